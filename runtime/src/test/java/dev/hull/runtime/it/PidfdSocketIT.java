package dev.hull.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hull.sys.UnixSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** --pidfd-socket (runc 1.2): a pidfd of the container's first process, sent over the socket. */
class PidfdSocketIT extends ContainerTest {
    /** The pid a pidfd refers to, as the kernel shows it in fdinfo ("Pid:\t1234"). */
    private static String pidOf(int fd) {
        for (String line : Host.read("/proc/self/fdinfo/" + fd).split("\n")) {
            if (line.startsWith("Pid:")) {
                return line.substring(4).trim();
            }
        }
        throw new AssertionError("fd " + fd + " is not a pidfd:\n" + Host.read("/proc/self/fdinfo/" + fd));
    }

    private void receivesThePidfd(String verb) throws Exception {
        TestBundle b = bundle();
        b.args("sleep", "1000");
        String id = newId();
        Path sock = dir.resolve("pidfd.sock");
        try (UnixSocket listener = UnixSocket.listen(sock)) {
            if (verb.equals("create")) {
                ok("create", "--pidfd-socket", sock.toString(), "--bundle", b.dir.toString(), id);
            } else {
                ok("run", "--detach", "--pidfd-socket", sock.toString(), "--bundle", b.dir.toString(), id);
            }
            UnixSocket.Received got;
            try (UnixSocket conn = listener.accept(5000)) {
                assertNotNull(conn, "nobody connected to the pidfd socket");
                got = conn.receive(64);
            }
            assertEquals("standard", new String(got.data(), StandardCharsets.US_ASCII), "runc's message");
            assertTrue(got.fd() >= 0, "no descriptor received");
            try {
                assertEquals(Long.toString(pid(id)), pidOf(got.fd()));
                assertTrue(Files.readSymbolicLink(Path.of("/proc/self/fd/" + got.fd())).toString().contains("pidfd"));
                // a pidfd polls readable when its process exits: not yet, and then on delete --force
                assertTrue(!UnixSocket.readable(got.fd(), 0), "the pidfd says the container exited");
                ok("delete", "--force", id);
                assertTrue(UnixSocket.readable(got.fd(), 5000), "the pidfd never saw the container exit");
            } finally {
                UnixSocket.closeFd(got.fd());
            }
        }
    }

    @Test
    void createSendsAPidfdOfTheContainersProcess() throws Exception {
        receivesThePidfd("create");
    }

    @Test
    void runDetachedSendsAPidfdToo() throws Exception {
        receivesThePidfd("run");
    }

    @Test
    void aSocketNobodyListensOnFailsCreateAndLeavesNothing() {
        TestBundle b = bundle();
        b.args("sleep", "1000");
        String id = newId();
        Path sock = dir.resolve("nobody.sock");
        Cmd.Result r = hull("create", "--pidfd-socket", sock.toString(), "--bundle", b.dir.toString(), id);
        assertEquals(1, r.code(), r::toString);
        assertEquals("hull-runtime: --pidfd-socket " + sock + ": connect " + sock
                + ": ENOENT: No such file or directory\n", r.err());
        assertEquals("", ok("list", "-q").out());
    }
}
