"""Print the OpenAPI document (checked in at docs/openapi.json):

    uv run python -m stopship.api.openapi > docs/openapi.json
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from stopship.api.app import create_app
from stopship.api.settings import ServerSettings


def document() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(ServerSettings(database_url=f"sqlite:///{Path(tmp) / 'x.db'}"))
        text = json.dumps(app.openapi(), indent=2, sort_keys=True) + "\n"
        app.state.ctx.close()
    return text


if __name__ == "__main__":
    sys.stdout.write(document())
