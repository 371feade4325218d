"""Every live widget in a real JupyterLab and kernel, driven like a reader (BOOK.md, stage 5).

A notebook is generated from the widget gallery (book/widgets.ipynb): the setup cell and
each widget's live cell (tag `live-widget`). JupyterLab from the project's venv serves it on
127.0.0.1 (random free port, no token, network blocked in the page); Playwright drives
Debian's chromium: run all cells, then for every widget press keys on and drag each slider,
pick other options in each dropdown, click each checkbox. Each action must bring a new
image with no error output and no console error; the time from the control event to the
new image decoded in the page is recorded. The design budget is a median of 150 ms per
update: the median of every update of every widget must meet it, and each widget's median
is printed against it. Each widget's median must also stay under a regression guard of
200 ms (on the 2-core machine the per-widget medians measure 70-139 ms; a widget that
only redraws a number measures 66-96 ms, the round trip through JupyterLab, the kernel and
the page, so 150 ms leaves 55-85 ms for the widget's work and a busy machine can push one
widget's median over it without a regression). The server is stopped by its PID at the end.

Latencies go to `_build/widget-latency.json` (and are printed).
"""
from __future__ import annotations

import json
import os
import pathlib
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

import nbformat
import pytest
from pagewatch import watch

ROOT = pathlib.Path(__file__).resolve().parents[2]
GALLERY = ROOT / "book" / "widgets.ipynb"
REPORT = ROOT / "_build" / "widget-latency.json"
BUDGET_MS = 150.0   # the design budget: asserted on the median of all updates, reported per widget
GUARD_MS = 200.0    # each widget's median (the old 600 kB PNG path measured 220-400 ms)
# Work that is not an update (training a model) may take this long; it must show a status.
SLOW_S = 60.0
# An action slower than this counts as work, not an update: the status line must announce it
# (widgets announce anything over about a second; the margin absorbs a busy CI machine).
SLOW_MS = 2000.0
# How long a probe waits for a new image before it concludes the slider has no effect in this
# state: about five times the latency guard (the slowest frame seen in CI took 0.4 s), so a busy
# machine does not turn a slow frame into 'no effect'; a wrong conclusion only makes the search
# try another state. Each probe without effect costs this wait (13 per run: 2.5 s cost 30 s).
PROBE_S = 1.2
# JupyterLab's own console messages that say nothing about the book's widgets (exact text).
ALLOWED_CONSOLE: set = set()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Widgets left out of this stage, each with the reason (printed on every run). Empty: the
# playground was once left out because a model change "brought no new image"; the cause was
# this test, whose search for a state where a slider matters could choose the option that
# an earlier search had already left selected (no change, so no new image).
SKIP_LIVE: dict = {}


def live_notebook(path: pathlib.Path) -> list:
    """Write the generated notebook (setup cell + every live cell); return the widgets' names."""
    gallery = nbformat.read(str(GALLERY), as_version=4)
    code = [c for c in gallery.cells if c.cell_type == "code"]
    live = [c for c in code if "live-widget" in c.metadata.get("tags", [])]
    for name, why in SKIP_LIVE.items():
        print(f"not driven in JupyterLab: {name} ({why})")
    live = [c for c in live if not any(f"widgets.{name}(" in c.source for name in SKIP_LIVE)]
    cells = [nbformat.v4.new_code_cell(code[0].source)]
    cells += [nbformat.v4.new_code_cell(c.source) for c in live]
    nb = nbformat.v4.new_notebook(cells=cells, metadata=gallery.metadata)
    nbformat.write(nb, str(path))
    return [c.source.split("widgets.")[1].split("(")[0] if "widgets." in c.source else f"widget {i}"
            for i, c in enumerate(live)]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1; yields (base url, the widgets' names in cell order)."""
    work = tmp_path_factory.mktemp("lab")
    names = live_notebook(work / "live.ipynb")
    port = _free_port()
    env = dict(os.environ, MPLBACKEND="Agg", MLNOTES_PROGRESS="0", JUPYTER_CONFIG_DIR=str(work / "cfg"),
               JUPYTERLAB_SETTINGS_DIR=str(work / "settings"), JUPYTERLAB_WORKSPACES_DIR=str(work / "ws"),
               JUPYTER_RUNTIME_DIR=str(work / "runtime"), PYDEVD_DISABLE_FILE_VALIDATION="1")
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
           f"--ServerApp.port={port}", "--ServerApp.port_retries=0", "--IdentityProvider.token=",
           "--ServerApp.password=", f"--ServerApp.root_dir={work}", "--LabApp.expose_app_in_browser=True",
           "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
           "--ServerApp.disable_check_xsrf=True", "--ServerApp.terminals_enabled=False"]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log = open(work / "server.log", "w")
    proc = subprocess.Popen(cmd, cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 90
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    pytest.fail("JupyterLab did not start:\n" + (work / "server.log").read_text()[-3000:])
                time.sleep(0.3)
        yield base, names
    finally:
        # Stop the server (and the kernels it started, in its session) by its PID.
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        try:
            os.killpg(proc.pid, signal.SIGKILL)   # a kernel left behind by the server
        except ProcessLookupError:
            pass
        log.close()


KERNEL_READY = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.connectionStatus === 'connected' && k.status === 'idle';
}"""

# In-page probe: t0 at the first control event after arming, t1 when the widget's image
# has a new source (the kernel sends new bytes only when the figure changed) and it is decoded.
# Sliders update while dragging (stale values are coalesced in the kernel), so a drag brings
# several frames: each frame's latency is measured from the last control event before its new
# source (`lat`), and `_wait_new_image(settle=True)` waits for the last frame of the action.
PROBE = """
(root) => {
  const st = {t0: null, t1: null, tin: null, lat: null, n: 0, armed: false};
  const img = root.querySelector('img.widget-image');
  const mark = () => {
    if (!st.armed) return;
    st.tin = performance.now();
    if (st.t0 === null) st.t0 = st.tin;
  };
  for (const ev of ['keydown', 'pointerup', 'change', 'click']) root.addEventListener(ev, mark, true);
  root.addEventListener('pointermove', (e) => { if (e.buttons & 1) mark(); }, true);
  new MutationObserver(() => {
    if (!st.armed || st.t0 === null) return;
    const tin = st.tin;
    img.decode().catch(() => {}).then(() => {
      const t = performance.now();
      if (st.t1 === null) st.t1 = t;
      st.lat = t - tin; st.n += 1;
    });
  }).observe(img, {attributes: true, attributeFilter: ['src']});
  root.__probe = st;
  root.__arm = () => { st.t0 = null; st.t1 = null; st.tin = null; st.lat = null; st.n = 0; st.armed = true; };
}
"""


def _wait_new_image(page, root, timeout_s, settle=False):
    """Milliseconds from the control event to the new image, or None if none came.

    ``settle``: the action (a drag) may bring several frames; wait until no new frame has come
    for 0.3 s (over twice the latency budget) and return the last frame's latency from the last
    control event before it."""
    try:
        page.wait_for_function("(r) => r.__probe.t1 !== null && r.__probe.t0 !== null",
                               arg=root.element_handle(), timeout=timeout_s * 1000)
    except Exception:  # noqa: BLE001 - playwright's TimeoutError: no new image
        root.evaluate("(r) => { r.__probe.armed = false; }")
        return None
    dt = root.evaluate("(r) => r.__probe.t1 - r.__probe.t0")
    if settle:
        n = -1
        while n != (n := root.evaluate("(r) => r.__probe.n")):
            page.wait_for_timeout(300)
        dt = root.evaluate("(r) => r.__probe.lat")
    root.evaluate("(r) => { r.__probe.armed = false; }")
    return dt


def test_every_widget_in_jupyterlab(lab, browser):
    base, names = lab
    n_widgets = len(names)
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    errors, blocked = watch(page)
    results = {}
    try:
        page.goto(f"{base}/lab/tree/live.ipynb", wait_until="load")
        page.wait_for_function("() => window.jupyterapp && document.querySelector('.jp-Notebook .jp-Cell')",
                               timeout=60000)
        # wait for the kernel, then run every cell
        # JupyterLab may ask which kernel to start: accept its proposal (the venv's python3)
        for _ in range(40):
            if page.locator(".jp-Dialog .jp-mod-accept").count():
                page.locator(".jp-Dialog .jp-mod-accept").click()
            if page.evaluate(KERNEL_READY):
                break
            page.wait_for_timeout(250)
        page.wait_for_function(KERNEL_READY, timeout=60000)
        if page.locator(".jp-Dialog .jp-mod-accept").count():
            page.locator(".jp-Dialog .jp-mod-accept").click()
        print("JupyterLab loaded, kernel idle; running the cells", flush=True)
        page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); return true; }")
        roots = page.locator(".jp-Cell .widget-vbox:has(img.widget-image)")
        deadline = time.time() + 120
        while roots.count() < n_widgets or not page.evaluate(KERNEL_READY):
            if time.time() > deadline:
                pytest.fail(f"only {roots.count()} of {n_widgets} widgets appeared; console: {errors[:5]}")
            page.wait_for_timeout(250)
        assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
        assert page.locator(".jp-RenderedText[data-mime-type='application/vnd.jupyter.error']").count() == 0

        for i in range(n_widgets):
            root = roots.nth(i)
            root.scroll_into_view_if_needed()
            root.evaluate(PROBE)
            name = names[i]   # from the cell's source (JupyterLab may not render a far cell's text)
            lat, slow, unchanged = [], [], []

            def act(label, action, timeout_s=5, settle=False):
                root.evaluate("(r) => r.__arm()")
                action()
                dt = _wait_new_image(page, root, timeout_s, settle)
                print(f"  {name} {label}: " + ("no new image" if dt is None else f"{dt:.0f} ms"), flush=True)
                if dt is None:
                    unchanged.append(label)
                elif dt > SLOW_MS:
                    # work that takes seconds says so in the status line, then that it is done
                    slow.append(dt)
                    status = root.locator(".widget-html").first
                    page.wait_for_function("(e) => e.innerText.includes('done in')", arg=status.element_handle(),
                                           timeout=5000)
                else:
                    lat.append(dt)

            # dropdowns: another option, then back (a new option may start seconds of work)
            selects = root.locator("select")
            for j in range(selects.count()):
                sel = selects.nth(j)
                cur = sel.input_value()
                other = [o for o in sel.evaluate("(s) => [...s.options].map(o => o.value)") if o != cur][0]
                act(f"select {j} = {other}", lambda: sel.select_option(other), SLOW_S)
                if unchanged and unchanged[-1] == f"select {j} = {other}" and sel.input_value() != other:
                    # the option was not taken by the page (seen once in a full run, never alone):
                    # say so, and try the same action once more
                    print(f"  {name} select {j}: the page did not take {other!r}; retrying", flush=True)
                    unchanged.pop()
                    act(f"select {j} = {other} (retry)", lambda: sel.select_option(other), SLOW_S)
                act(f"select {j} back", lambda: sel.select_option(cur), SLOW_S)
            # checkboxes
            for j in range(root.locator("input[type=checkbox]").count()):
                box = root.locator("input[type=checkbox]").nth(j)
                act(f"checkbox {j}", lambda: box.click())
                act(f"checkbox {j} back", lambda: box.click())
            # sliders: keys (away from the end the handle sits at), then a drag of the handle
            handles = root.locator(".noUi-handle")

            probe_key = {}

            def probe(j, handle):
                """One key press; True if the image changed (the slider matters here)."""
                at_min = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemin")
                key = "ArrowRight" if at_min else "ArrowLeft"
                probe_key[j] = key
                handle.focus()
                act(f"slider {j} probe", lambda: page.keyboard.press(key), PROBE_S)
                if unchanged and unchanged[-1] == f"slider {j} probe":
                    unchanged.pop()
                    return False
                return True

            def find_state_where_it_matters(j, handle):
                """A slider with no effect in this state (a GP's period under an RBF kernel, a
                tree's depth while kNN is chosen): choose other dropdown options, the last
                dropdown and its last options first (a model or kernel choice sits there), until
                the slider changes the image."""
                for k in reversed(range(selects.count())):
                    sel = selects.nth(k)
                    for o in sel.evaluate("(s) => [...s.options].map(o => o.value)")[::-1]:
                        if o == sel.input_value():
                            continue   # the current option: no change to see
                        act(f"select {k} = {o}", lambda o=o: sel.select_option(o), SLOW_S)
                        if probe(j, handle):
                            return True
                return False

            for j in range(handles.count()):
                handle, track = handles.nth(j), root.locator(".noUi-target").nth(j)
                if not probe(j, handle) and not find_state_where_it_matters(j, handle):
                    unchanged.append(f"slider {j} (no effect in any dropdown state tried)")
                    continue
                # the probe pressed one arrow key; the other one takes the handle back
                key = {"ArrowLeft": "ArrowRight", "ArrowRight": "ArrowLeft"}[probe_key[j]]
                handle.focus()
                act(f"slider {j} {key}", lambda key=key: page.keyboard.press(key))
                box, hb = track.bounding_box(), handle.bounding_box()

                def drag():
                    page.mouse.move(hb["x"] + hb["width"] / 2, hb["y"] + hb["height"] / 2)
                    page.mouse.down()
                    for f in (0.3, 0.5, 0.7):
                        page.mouse.move(box["x"] + f * box["width"], hb["y"] + hb["height"] / 2, steps=3)
                    page.mouse.up()

                act(f"slider {j} drag", drag, settle=True)
            results[name] = {"n": len(lat), "median_ms": round(statistics.median(lat), 1) if lat else None,
                             "max_ms": round(max(lat), 1) if lat else None,
                             "slow_s": [round(s / 1000, 2) for s in slow], "unchanged": unchanged,
                             "lat": [round(x, 1) for x in lat]}
        assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
        assert page.locator("[data-mime-type='application/vnd.jupyter.error']").count() == 0
    finally:
        REPORT.parent.mkdir(exist_ok=True)
        REPORT.write_text(json.dumps(results, indent=1))
        print("\nend-to-end widget latency in JupyterLab (control event -> new image decoded):")
        for k, v in results.items():
            within = v["median_ms"] is not None and v["median_ms"] <= BUDGET_MS
            print(f"  {k:18s} median {v['median_ms']} ms ({'within' if within else 'OVER'} the "
                  f"{BUDGET_MS:.0f} ms budget), max {v['max_ms']} ms over {v['n']} updates; "
                  f"slow (work) {v['slow_s']} s; unchanged {v['unchanged']}")
        every = [x for v in results.values() for x in v["lat"]]
        if every:
            print(f"  all widgets: median {statistics.median(every):.1f} ms over {len(every)} updates "
                  f"(budget {BUDGET_MS:.0f} ms)")
        page.close()
        ctx.close()
    bad = [e for e in errors if e not in ALLOWED_CONSOLE]
    assert not bad, f"console errors: {bad[:5]}"
    assert not blocked, f"requests to the network: {blocked[:5]}"
    assert len(results) == n_widgets
    every = [x for v in results.values() for x in v["lat"]]
    assert statistics.median(every) <= BUDGET_MS, \
        f"median latency of all {len(every)} updates {statistics.median(every):.1f} ms > {BUDGET_MS} ms"
    for name, v in results.items():
        assert not v["unchanged"], f"{name}: these actions did not change the image: {v['unchanged']}"
        assert v["median_ms"] is not None and v["median_ms"] <= GUARD_MS, \
            f"{name}: median latency {v['median_ms']} ms > {GUARD_MS} ms (design budget {BUDGET_MS} ms)"
