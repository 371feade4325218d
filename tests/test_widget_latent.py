"""The latent-space explorer, driven like a reader: controls in, figure data out."""
import numpy as np
import pytest
import torch

from blit_check import repaints_with_equal_pixels

from mlnotes import vae
from mlnotes.widgets import LatentExplorer
from mlnotes.widgets.base import Player
from mlnotes.widgets.latent import default_model


@pytest.fixture(scope="module")
def w():
    return LatentExplorer()          # the gallery's default: a small VAE trained once, cached


def check_figure_matches(w):
    """Every artist shows what the compute methods say for the widget's state."""
    st = w.state
    a, b = w.anchor(st["start"])[1], w.anchor(st["end"])[1]
    zl = w.line_point(st["start"], st["end"], st["t"])
    zf = w.free_point(st["z1"], st["z2"])
    assert np.allclose(zl, (1 - st["t"]) * a + st["t"] * b)
    assert np.allclose(np.c_[w._segment.get_data()], np.c_[[a[0], b[0]], [a[1], b[1]]])
    assert np.allclose(np.ravel(w._line_pt.get_data()), zl)
    assert np.allclose(np.ravel(w._free_pt.get_data()), zf)
    # the images are the decoder's means at the two points
    for im, z in ((w._im_line, zl), (w._im_free, zf)):
        shown = np.asarray(im.get_array())
        assert shown.shape == (w.side, w.side)
        with torch.no_grad():
            ref = w.model.decode(torch.tensor(z[None], dtype=torch.float32))[0].numpy()
        assert np.allclose(shown, ref.reshape(w.side, w.side), atol=1e-6)
        assert np.array_equal(shown, w.decoded(z))
    assert w._titles[0].get_text() == f"{st['start']} \u2192 {st['end']}, t = {st['t']:.2f}"
    assert w._titles[1].get_text() == f"z = ({zf[0]:.2f}, {zf[1]:.2f})"


def test_controls_drive_the_figure(w):
    box = w.widget()
    check_figure_matches(w)
    for name, value in [("t", 0.0), ("t", 1.0), ("start", 3), ("end", 8), ("t", 0.35),
                        ("z1", 1.5), ("z2", -2.0), ("z1", -w.limit), ("z2", w.limit), ("start", 9)]:
        box.controls[name].value = value
        assert w.state[name] == value
        check_figure_matches(w)
    w.draw()


def test_every_control_changes_the_pixels(w):
    """What the JupyterLab stage checks: each control, moved, changes the image."""
    w.figure(start=0, end=9, t=0.5, z1=0.0, z2=0.0)
    w.draw()
    before = np.asarray(w.fig.canvas.buffer_rgba()).copy()
    for name, value in [("start", 4), ("end", 2), ("t", 0.8), ("z1", 1.0), ("z2", -1.0)]:
        w.update(**{name: value})
        w.draw()
        now = np.asarray(w.fig.canvas.buffer_rgba()).copy()
        assert not np.array_equal(now, before), name
        before = now


def test_latent_map_and_anchors(w):
    Z, lab = w.latent_map()
    assert Z.shape == (len(lab), 2) and set(lab) == set(range(10))
    with torch.no_grad():
        mu = w.model.encode(torch.tensor(w.images, dtype=torch.float32))[0].double().numpy()
    assert np.allclose(Z, mu)
    for c in w.classes:
        i, z = w.anchor(c)
        idx = np.flatnonzero(lab == c)
        d = ((Z[idx] - np.median(Z[idx], axis=0)) ** 2).sum(1)
        assert lab[i] == c and np.allclose(z, Z[i]) and i == idx[np.argmin(d)]
    for bad in (10, -1, 2.5, "3", None):
        with pytest.raises((ValueError, TypeError), match="LatentExplorer.anchor: digit"):
            w.anchor(bad)
    # the scatter shows every mean
    offsets = np.asarray(w._ax.collections[0].get_offsets())
    assert np.allclose(offsets, Z)


def test_default_model_is_cached_and_learned_something():
    m1, X1, y1 = default_model()
    m2, X2, y2 = default_model()
    assert m1 is m2 and X1 is X2 and y1 is y2
    assert X1.shape == (360, 64) and isinstance(m1, vae.VAE)
    with torch.no_grad():
        e = vae.elbo(m1, X1, samples=20, seed=0).mean().item()
    assert e > 0.0          # an untrained model scores about -60 nats; measured 5 to 7


def test_blitting_gives_the_pixels_of_a_full_draw(monkeypatch):
    m, X, y = default_model()
    steps = [dict(t=0.2), dict(z1=1.2), dict(z2=-0.7), dict(t=0.9), dict(start=2), dict(t=0.4),
             dict(end=5), dict(z1=-2.5, z2=2.5), dict(t=1.0)]
    _, repaints = repaints_with_equal_pixels(lambda: LatentExplorer(m, X, y), steps, monkeypatch)
    # moves of t, z1, z2 repaint only the animated artists; a new start or end repaints all
    sliders = [r for st, r in zip(steps, repaints) if set(st) <= {"t", "z1", "z2"}]
    assert sliders and not any(sliders), list(zip(steps, repaints))
    assert repaints[4] == repaints[6] == 1, repaints


def test_random_and_extreme_states_match(w):
    rng = np.random.default_rng(0)
    w.figure()
    L = w.limit
    for _ in range(25):
        st = {"start": int(rng.integers(10)), "end": int(rng.integers(10)),
              "t": float(rng.choice([0.0, 1.0, rng.uniform()])),
              "z1": float(rng.choice([-L, L, rng.uniform(-L, L)])),
              "z2": float(rng.choice([-L, L, rng.uniform(-L, L)]))}
        w.update(**st)
        check_figure_matches(w)
    w.draw()


def test_a_model_trained_elsewhere(w):
    """Any 2-D VAE with square images works; labels may be any integers."""
    torch.manual_seed(0)
    model = vae.VAE(data_dim=16, latent_dim=2, hidden=8, depth=1)
    X = np.random.default_rng(1).uniform(size=(30, 16))
    lab = np.repeat([3, 7, 11], 10)
    small = LatentExplorer(model, X, lab, limit=2.0)
    assert small.side == 4 and small.classes == [3, 7, 11] and small.limit == 2.0
    small.figure(start=7, end=11, t=0.25, z1=-2.0, z2=2.0)
    check_figure_matches(small)
    assert small.decoded([0.0, 0.0]).shape == (4, 4)


def test_bad_values_name_the_control(w):
    with pytest.raises(ValueError, match=r"start must be one of .*got 12"):
        w.update(start=12)
    with pytest.raises(ValueError, match=r"t must lie in \[0.0, 1.0\], got 1.5"):
        w.update(t=1.5)
    with pytest.raises(ValueError, match=r"z1 must lie in"):
        w.update(z1=w.limit + 1)
    with pytest.raises(TypeError, match=r"z2 must be a finite number"):
        w.update(z2="up")
    with pytest.raises(TypeError, match=r"unknown argument"):
        w.update(mode="line")
    with pytest.raises(ValueError, match=r"LatentExplorer.decoded: z must have shape \(2\)"):
        w.decoded([1.0, 2.0, 3.0])
    m, X, y = default_model()
    with pytest.raises(TypeError, match="LatentExplorer: model must be a mlnotes.vae.VAE"):
        LatentExplorer("model", X, y)
    with pytest.raises(ValueError, match="give images and labels together with a model"):
        LatentExplorer(images=X, labels=y)
    with pytest.raises(ValueError, match="images and labels are needed"):
        LatentExplorer(m)
    with pytest.raises(ValueError, match=r"labels must be a 1-D array of 360 integers"):
        LatentExplorer(m, X, y[:-1])
    with pytest.raises(ValueError, match=r"labels must be a 1-D array"):
        LatentExplorer(m, X, y.astype(float))
    with pytest.raises(ValueError, match=r"images must have shape \(any, 64\)"):
        LatentExplorer(m, X[:, :10], y)
    with pytest.raises(ValueError, match="2-D latent space"):
        LatentExplorer(vae.VAE(latent_dim=3), X, y)
    with pytest.raises(ValueError, match="square images"):
        LatentExplorer(vae.VAE(data_dim=10), X[:, :10], y)
    with pytest.raises(ValueError, match="at least 2 classes"):
        LatentExplorer(m, X, np.zeros(360, dtype=int))
    with pytest.raises(ValueError, match="limit must be > 0"):
        LatentExplorer(m, X, y, limit=0.0)


def test_player_walks_the_path(w):
    box = w.widget(start=1, end=7, t=0.1)
    fig = w.fig
    p = w.player("t", start=4, end=9, dpi=30)
    assert isinstance(p, Player) and p.n_frames == 16
    assert "t = 0" in p.html and "t = 1" in p.html
    p2 = w.player("z1", values=[-1.0, 0.0, 1.0], dpi=30)
    assert p2.n_frames == 3
    assert w.fig is fig and w.state["t"] == 0.1
    box.controls["t"].value = 0.6
    check_figure_matches(w)
