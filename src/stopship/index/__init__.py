"""Candidate index: built once per list version, persisted, queried for candidates."""

from stopship.index.build import IndexData, build_index
from stopship.index.candidates import CandidateIndex, Candidates
from stopship.index.persist import index_hash, index_path, load_index, save_index

__all__ = [
    "CandidateIndex",
    "Candidates",
    "IndexData",
    "build_index",
    "index_hash",
    "index_path",
    "load_index",
    "save_index",
]
