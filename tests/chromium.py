"""Headless Chromium driven over the DevTools protocol, for tests/test_browser.py.

A few dozen lines instead of Selenium: the protocol reports failed requests, script
errors and console errors as events, and takes full-page screenshots, with nothing
beyond ``websocket-client`` (already a Jupyter dependency) and Debian's chromium.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import websocket

CHROMIUM = Path(os.environ.get("BOOK_CHROMIUM", "/usr/bin/chromium"))
# A reader with no network: every host but the local server fails to resolve.
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"


class Chromium:
    """One headless browser with one tab; ``events`` collects what the tab reports."""

    def __init__(self, width: int = 1280, height: int = 900) -> None:
        self.width, self.height = width, height
        self._profile = tempfile.mkdtemp(prefix="chromium-")
        args = [
            str(CHROMIUM), "--headless=new", "--no-sandbox", "--disable-gpu",
            "--remote-debugging-port=0", f"--user-data-dir={self._profile}",
            "--no-first-run", "--no-default-browser-check", "--disable-extensions",
            "--disable-background-networking", "--disable-component-update",
            "--hide-scrollbars", f"--window-size={width},{height}", OFFLINE,
            "about:blank",
        ]  # fmt: skip
        # A session of its own, so close() can end the helper processes as well.
        self._proc = subprocess.Popen(
            args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        port_file = Path(self._profile) / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not (port_file.exists() and port_file.read_text().strip()):
            if time.monotonic() > deadline or self._proc.poll() is not None:
                self.close()
                raise RuntimeError(f"{CHROMIUM} did not start a DevTools endpoint")
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list") as reply:
            tab = next(t for t in json.load(reply) if t["type"] == "page")
        self._ws = websocket.create_connection(
            tab["webSocketDebuggerUrl"], suppress_origin=True, timeout=120
        )
        self._id = 0
        self.events: list[dict[str, Any]] = []
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.send(f"{domain}.enable")

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        """Call a protocol method and return its result; events are kept meanwhile."""
        self._id += 1
        self._ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            message = json.loads(self._ws.recv())
            if message.get("id") == self._id:
                if "error" in message:
                    raise RuntimeError(f"{method} failed: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)

    def evaluate(self, expression: str) -> Any:
        """Run JavaScript in the page (awaiting a promise) and return its value."""
        result = self.send(
            "Runtime.evaluate",
            expression=expression,
            awaitPromise=True,
            returnByValue=True,
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def open(self, url: str, timeout: float = 60) -> None:
        """Load ``url`` and wait for its load event; ``events`` start afresh."""
        self.events = []
        self.send("Page.navigate", url=url)
        deadline = time.monotonic() + timeout
        while not any(e["method"] == "Page.loadEventFired" for e in self.events):
            self._ws.settimeout(max(deadline - time.monotonic(), 0.1))
            try:
                message = json.loads(self._ws.recv())
            except websocket.WebSocketTimeoutException:
                raise TimeoutError(f"{url} did not load in {timeout} s") from None
            finally:
                self._ws.settimeout(120)
            if "method" in message:
                self.events.append(message)

    def problems(self) -> list[str]:
        """Failed or refused requests, uncaught exceptions and console errors."""
        urls = {}
        found = []
        for event in self.events:
            method, params = event["method"], event.get("params", {})
            if method == "Network.requestWillBeSent":
                urls[params["requestId"]] = params["request"]["url"]
            elif method == "Network.loadingFailed":
                url = urls.get(params["requestId"], "?")
                found.append(f"failed to load {url}: {params.get('errorText')}")
            elif method == "Network.responseReceived":
                if params["response"]["status"] >= 400:
                    response = params["response"]
                    found.append(f"HTTP {response['status']} for {response['url']}")
            elif method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                text = details.get("exception", {}).get("description", "")
                found.append(f"JavaScript error: {details.get('text')} {text}"[:500])
            elif method == "Runtime.consoleAPICalled" and params["type"] == "error":
                args = [
                    a.get("value", a.get("description", "")) for a in params["args"]
                ]
                found.append(f"console.error: {' '.join(map(str, args))}"[:500])
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                entry = params["entry"]
                found.append(f"console: {entry['text']} {entry.get('url', '')}")
        # Browsers ask for /favicon.ico on their own; no page of the book links it.
        found = [line for line in found if "/favicon.ico" not in line]
        return list(dict.fromkeys(found))

    def screenshot(self, path: Path) -> None:
        """Save a PNG of the whole page, not just the window."""
        import base64

        size = self.send("Page.getLayoutMetrics")["cssContentSize"]
        height = min(int(size["height"]) + 1, 60000)  # 25,000 px work
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=self.width, height=height, deviceScaleFactor=1, mobile=False,
        )  # fmt: skip
        try:
            shot = self.send("Page.captureScreenshot", format="png")
        finally:
            self.send("Emulation.clearDeviceMetricsOverride")
        path.write_bytes(base64.b64decode(shot["data"]))

    def close(self) -> None:
        """End every Chromium process, then remove the profile folder.

        Chromium's helper processes (renderer, crashpad) can outlive the main one by
        a moment and still write into the profile, so the whole process group is
        ended and the removal is retried briefly.
        """
        if getattr(self, "_ws", None) is not None:
            self._ws.close()
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self._proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                self._proc.wait(timeout=10)
                break
            except subprocess.TimeoutExpired:
                continue
        for _ in range(50):
            try:
                shutil.rmtree(self._profile)
                break
            except FileNotFoundError:
                break
            except OSError:
                time.sleep(0.1)
        else:
            shutil.rmtree(self._profile)  # still failing: let the error show
