"""What an interrupted build leaves in build/ (a staged store folder, a staged image, the
temporary files of atomic writes) is found and removed by the next successful build; what a
build running alongside is writing, and the built graph itself, are kept."""

from __future__ import annotations

import os
import time

from conftest import copy_workspace
from mvkg import pipeline
from mvkg.query.store import build_leftovers, clean_build_leftovers


def test_leftovers_of_an_interrupted_build_are_cleaned_and_the_build_kept(tmp_path, resources, lexicon):
    ws = copy_workspace(tmp_path)
    pipeline.build(ws, resources, lexicon)
    kept = {p: p.read_bytes() for p in (ws.image_file, ws.manifest_file)}
    staged_store = ws.build_dir / f"{ws.store_dir.name}.k1ll3d.tmp"
    staged_store.mkdir()
    (staged_store / "000001.sst").write_bytes(b"half a store")
    staged_image = ws.build_dir / f"{ws.image_file.name}.new"
    staged_image.write_bytes(b"half an image")
    partial = ws.build_dir / f".{ws.manifest_file.name}.x7.tmp"
    partial.write_bytes(b"{")
    started = time.time()
    for path in (staged_store, staged_image, partial):
        os.utime(path, (started - 60, started - 60))
    running = ws.build_dir / f"{ws.store_dir.name}.alongside.tmp"  # another build's, still being written
    running.mkdir()
    os.utime(running, (started + 1, started + 1))

    assert build_leftovers(ws, started) == sorted([staged_store, staged_image, partial])
    assert clean_build_leftovers(ws, started) == sorted([staged_store, staged_image, partial])
    assert not staged_store.exists() and not staged_image.exists() and not partial.exists()
    assert running.is_dir() and (ws.store_dir / "CURRENT").is_file()
    assert all(path.read_bytes() == data for path, data in kept.items())
    assert build_leftovers(ws, started) == []


def test_the_next_build_removes_them_and_says_so(tmp_path, resources, lexicon):
    ws = copy_workspace(tmp_path)
    pipeline.build(ws, resources, lexicon)
    staged_store = ws.build_dir / f"{ws.store_dir.name}.k1ll3d.tmp"
    staged_store.mkdir()
    partial = ws.build_dir / f".{ws.manifest_file.name}.x7.tmp"
    partial.write_bytes(b"{")
    old = time.time() - 60
    for path in (staged_store, partial):
        os.utime(path, (old, old))
    report = pipeline.build(ws, resources, lexicon)
    assert not staged_store.exists() and not partial.exists()
    said = [w for w in report.warnings if "interrupted builds" in w]
    assert len(said) == 1 and staged_store.name in said[0] and partial.name in said[0]
    assert ws.image_file.is_file() and ws.store_dir.is_dir()
    assert pipeline.build(ws, resources, lexicon).warnings == tuple(w for w in report.warnings if w not in said)
