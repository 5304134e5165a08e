package io.pigsty.builder.install;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs commands on this node (apt-get, systemctl, psql, pg_createcluster) and captures their output. */
public final class Shell {

    /**
     * What a command did.
     *
     * @param command the command line, for messages
     * @param exit    exit status (-1 when killed on timeout)
     * @param out     standard output as UTF-8
     * @param err     standard error as UTF-8
     */
    public record Result(List<String> command, int exit, String out, String err) {
        /** @return true when the exit status is 0 */
        public boolean ok() {
            return exit == 0;
        }

        /** @return the last lines of stderr (else stdout), for error messages */
        public String tail() {
            String s = (err.isBlank() ? out : err).strip();
            String[] lines = s.split("\n");
            int from = Math.max(0, lines.length - 12);
            return String.join("\n  ", java.util.Arrays.copyOfRange(lines, from, lines.length));
        }
    }

    /**
     * Runs a command and waits for it.
     *
     * @param command        program and arguments
     * @param env            variables added to this process's environment (may be empty)
     * @param stdin          text fed on standard input, or null for none
     * @param timeoutSeconds the command is killed after this many seconds
     * @return the result; a non-zero exit is not an error here
     * @throws InstallException when the program cannot be started or times out (both named)
     */
    public Result run(List<String> command, Map<String, String> env, String stdin, long timeoutSeconds)
            throws InstallException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new InstallException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread to = pump(p.getInputStream(), out);
        Thread te = pump(p.getErrorStream(), err);
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // the command did not read its input; its exit status tells the rest
        }
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new InstallException(String.join(" ", command) + ": no result after " + timeoutSeconds + " s");
            }
            to.join();
            te.join();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new InstallException(String.join(" ", command) + ": interrupted", e);
        }
        return new Result(List.copyOf(command), p.exitValue(), out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8));
    }

    /**
     * Runs a command that must succeed.
     *
     * @return the result (exit 0)
     * @throws InstallException when it cannot start, times out or exits non-zero (with its output's tail)
     */
    public Result check(List<String> command, Map<String, String> env, String stdin, long timeoutSeconds)
            throws InstallException {
        Result r = run(command, env, stdin, timeoutSeconds);
        if (!r.ok()) {
            throw new InstallException(String.join(" ", command) + " exited " + r.exit() + ":\n  " + r.tail());
        }
        return r;
    }

    private static Thread pump(InputStream in, ByteArrayOutputStream sink) {
        Thread t = new Thread(() -> {
            try (in) {
                in.transferTo(sink);
            } catch (IOException e) {
                // stream closed with the process
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }
}
