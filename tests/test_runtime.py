import random

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from mlnotes import runtime


@given(st.integers(min_value=0, max_value=2**32 - 1))
@settings(max_examples=25, deadline=None)
def test_seed_makes_every_generator_repeatable(n):
    runtime.seed(n)
    a = (random.random(), np.random.rand(), torch.rand(1).item())
    runtime.seed(n)
    b = (random.random(), np.random.rand(), torch.rand(1).item())
    assert a == b


def test_different_seeds_differ():
    runtime.seed(1)
    a = np.random.rand(4)
    runtime.seed(2)
    assert not np.allclose(a, np.random.rand(4))


@pytest.mark.parametrize("bad", [-1, 2**32, 1.5, "3", True, None])
def test_seed_rejects_bad_values(bad):
    with pytest.raises((TypeError, ValueError), match="seed: n must"):
        runtime.seed(bad)


def test_rng_is_seeded_generator():
    assert runtime.rng(3).random() == runtime.rng(3).random()
    with pytest.raises(ValueError, match="rng: n must"):
        runtime.rng(-2)


def test_device_defaults_to_cpu_without_accelerator(monkeypatch):
    monkeypatch.delenv("MLNOTES_DEVICE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert runtime.device() == "cpu"


def test_device_prefers_cuda_then_mps(monkeypatch):
    monkeypatch.delenv("MLNOTES_DEVICE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert runtime.device() == "cuda"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert runtime.device() == "mps"


def test_device_environment_override(monkeypatch):
    monkeypatch.setenv("MLNOTES_DEVICE", "cpu")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert runtime.device() == "cpu"
    monkeypatch.setenv("MLNOTES_DEVICE", "tpu")
    with pytest.raises(ValueError, match="MLNOTES_DEVICE"):
        runtime.device()


def test_device_refuses_unavailable_cuda(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ValueError, match="is not available here; available"):
        runtime.device("cuda")


def test_full_config_follows_env_and_device(monkeypatch):
    monkeypatch.delenv("MLNOTES_DEVICE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    monkeypatch.delenv("MLNOTES_FULL", raising=False)
    assert runtime.full_config() is False
    monkeypatch.setenv("MLNOTES_FULL", "1")
    assert runtime.full_config() is True
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setenv("MLNOTES_FULL", "0")
    assert runtime.full_config() is False
    monkeypatch.delenv("MLNOTES_FULL")
    assert runtime.full_config() is True
    monkeypatch.setenv("MLNOTES_FULL", "yes")
    with pytest.raises(ValueError, match="MLNOTES_FULL"):
        runtime.full_config()


def test_choose_picks_and_reports(monkeypatch, capsys):
    monkeypatch.setenv("MLNOTES_DEVICE", "cpu")
    monkeypatch.setenv("MLNOTES_FULL", "0")
    cfg = runtime.choose({"steps": 10}, {"steps": 1000}, name="training")
    assert cfg == {"steps": 10, "full": False, "device": "cpu"}
    assert "training: CPU configuration on cpu" in capsys.readouterr().out
    monkeypatch.setenv("MLNOTES_FULL", "1")
    assert runtime.choose({"steps": 10}, {"steps": 1000})["steps"] == 1000
    with pytest.raises(ValueError, match="same keys"):
        runtime.choose({"steps": 1}, {"epochs": 2})


def test_timer_measures(capsys):
    with runtime.timer("nap") as t:
        sum(range(10000))
    assert 0 <= t.elapsed < 5
    assert capsys.readouterr().out.startswith("nap: ")


def test_limit_threads(monkeypatch):
    before = torch.get_num_threads()
    try:
        assert runtime.limit_threads(1) == 1
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)
    with pytest.raises(ValueError, match="limit_threads"):
        runtime.limit_threads(0)


def test_progress_yields_everything(monkeypatch):
    monkeypatch.setenv("MLNOTES_PROGRESS", "1")
    assert list(runtime.progress(range(5), desc="x")) == list(range(5))
    monkeypatch.setenv("MLNOTES_PROGRESS", "0")
    assert list(runtime.progress(iter([1, 2]), total=2)) == [1, 2]


def test_describe_and_colab():
    assert "numpy" in runtime.describe()
    assert runtime.in_colab() is False


def test_single_thread_limits_blas_inside_the_block():
    from threadpoolctl import threadpool_info

    with runtime.single_thread():
        inside = [lib["num_threads"] for lib in threadpool_info()]
    assert inside and all(n == 1 for n in inside)
    with runtime.single_thread():  # reusable, and cheap after the first call
        pass


def test_generator_accepts_seed_generator_or_none():
    g = np.random.default_rng(1)
    assert runtime.generator(g) is g
    assert runtime.generator(5).random() == np.random.default_rng(5).random()
    assert isinstance(runtime.generator(None), np.random.Generator)
    with pytest.raises(ValueError, match="sample: rng seed must be a non-negative int"):
        runtime.generator(-1, "sample")
    with pytest.raises(TypeError, match="sample: rng must be a numpy Generator"):
        runtime.generator("seed", "sample")
    with pytest.raises(TypeError, match="rng must be"):
        runtime.generator(True)
