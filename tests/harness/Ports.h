#pragma once
// Free loopback TCP ports for servers started by tests.

namespace kiq::test {

// Returns a TCP port that is free on 127.0.0.1 right now. With bump > 0, port + bump is free too
// (use 10000 for a Redis Cluster node: its bus port is port + 10000 and must be <= 65535).
//
// Ports are picked at random in 20000..32767 and test-bound, so that test executables running
// concurrently (ctest -j) rarely pick the same one, and the range stays below Linux's ephemeral range
// (32768+) where outgoing connections could grab a port between this check and the server's bind.
// A port is never handed out twice by the same process. Throws std::runtime_error if none is found.
int freePort(int bump = 0);

// True if 127.0.0.1:port can be bound (and listened on) right now.
bool portIsFree(int port);

} // namespace kiq::test
