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


def main():
    url = sys.argv[1]
    headers = dict(arg.split(": ", 1) for arg in sys.argv[2:])
    client = socketio.Client(reconnection=False)

    @client.event
    def connect():
        say("connect")

    @client.event
    def connect_error(data):
        say("connect_error", message=str(data))

    @client.event
    def disconnect(*_reason):
        say("disconnect")

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
    client.wait()


if __name__ == "__main__":
    main()
