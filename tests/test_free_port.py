"""free_port(), which every test server is started on: free, and kept from anything else until used."""
import socket

from harness.assistant import ephemeral_ports, free_port


def test_ports_are_free_distinct_and_never_ones_the_kernel_hands_out_meanwhile():
    ports = [free_port() for _ in range(200)]
    assert len(set(ports)) == len(ports)
    assert not [p for p in ports if p in ephemeral_ports()]
    for port in ports[:20]:
        with socket.socket() as sock:
            sock.bind(("", port))
