"""A real socket.io client (python-socketio) for Shoebox's live-event tests.

Usage: python socketio_listen.py URL [HEADER: VALUE]...

Connects to URL's /api/socket.io over the WebSocket transport, as Immich's app does, sending the
given headers with the handshake, and prints one JSON line per happening:
{"kind": "connect"}, {"kind": "event", "name": ..., "args": [...]},
{"kind": "connect_error", "message": ...}, {"kind": "disconnect"}. It exits when the server
disconnects it, or when its standard input closes (the test is done with it).
"""

import json
import sys
import threading

import socketio


# Handlers run on the client's threads: one write per line, under a lock, so lines never mix.
_say_lock = threading.Lock()


def say(kind, **fields):
    line = json.dumps({"kind": kind, **fields}) + "\n"
    with _say_lock:
        sys.stdout.write(line)
        sys.stdout.flush()


class ReportingClient(socketio.Client):
    """Reports a server's disconnect when its packet arrives.

    python-socketio ignores a namespace disconnect that arrives while connect() is still
    returning (it sets `connected` only after the namespace's connect, so the packet is dropped
    and no disconnect event ever fires). A server that refuses a socket right after accepting it
    does exactly that, so the packet is reported here instead of through the event.
    """

    server_disconnected = threading.Event()

    def _handle_disconnect(self, namespace):
        self.server_disconnected.set()
        say_disconnect()
        super()._handle_disconnect(namespace)


_disconnect_said = threading.Event()


def say_disconnect():
    with _say_lock:
        if _disconnect_said.is_set():
            return
        _disconnect_said.set()
    say("disconnect")


def main():
    url = sys.argv[1]
    headers = dict(arg.split(": ", 1) for arg in sys.argv[2:])
    client = ReportingClient(reconnection=False)

    @client.event
    def connect():
        say("connect")

    @client.event
    def connect_error(data):
        say("connect_error", message=str(data))

    @client.event
    def disconnect(*_reason):
        say_disconnect()

    @client.on("*")
    def any_event(name, *args):
        say("event", name=name, args=list(args))

    # The test ends the client by closing its stdin.
    def stop_when_stdin_closes():
        sys.stdin.read()
        client.disconnect()

    threading.Thread(target=stop_when_stdin_closes, daemon=True).start()
    try:
        client.connect(url, headers=headers, transports=["websocket"], socketio_path="/api/socket.io", wait_timeout=10)
    except socketio.exceptions.ConnectionError as err:
        say("connect_error", message=str(err))
        return
    if client.server_disconnected.is_set():
        client.disconnect()  # refused before connect() returned: there is nothing to wait for
        return
    client.wait()


if __name__ == "__main__":
    main()
