package dev.chorus.node.command.shared;

import dev.chorus.node.command.CommandFlag;
import dev.chorus.node.command.CommandSpec;
import dev.chorus.node.net.Client;
import dev.chorus.node.resp.Repr;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * MONITOR clients and what they are shown (replicationFeedMonitors): every command once it has run, as
 * {@code +<sec>.<usec> [<db> <addr>] "arg" ...} with sdscatrepr's escaping, except admin and skip-monitor commands
 * and commands refused before they ran. Credentials are shown as "(redacted)" (AUTH's arguments, HELLO's AUTH pair).
 */
public final class Monitors {
    private static final byte[] REDACTED = "(redacted)".getBytes(StandardCharsets.US_ASCII);
    private final List<Client> monitors = new ArrayList<>();

    public boolean isEmpty() {
        return monitors.isEmpty();
    }

    /** MONITOR: the client starts receiving the feed. */
    public void add(Client c) {
        c.setMonitor(true);
        monitors.add(c);
    }

    void remove(Client c) {
        monitors.remove(c);
    }

    /** RESET (clearClientConnectionState): a monitoring client stops receiving the feed and loses its O flag. */
    public void stop(Client c) {
        if (c.monitor()) {
            monitors.remove(c);
            c.setMonitor(false);
        }
    }

    /** A command ran: feed it to the monitors unless it is one they must not see. */
    public void commandExecuted(Client c, CommandSpec spec, byte[][] argv) {
        if (monitors.isEmpty() || spec.has(CommandFlag.ADMIN) || spec.has(CommandFlag.SKIP_MONITOR)) {
            return;
        }
        feed(c.dbIndex(), c.outbound().remoteAddress(), redacted(spec, argv));
    }

    /** Feeds one line, from a connection at {@code addr} (or "lua") with database {@code db} selected. */
    public void feed(int db, String addr, byte[][] argv) {
        if (monitors.isEmpty()) {
            return;
        }
        Instant now = Instant.now();
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        String head = String.format("+%d.%06d [%d %s] ", now.getEpochSecond(), now.getNano() / 1000, db, addr);
        out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
        for (int j = 0; j < argv.length; j++) {
            repr(out, argv[j]);
            if (j != argv.length - 1) {
                out.write(' ');
            }
        }
        out.write('\r');
        out.write('\n');
        byte[] line = out.toByteArray();
        for (Client m : monitors) {
            m.writer().raw(line);
            m.pendingWrite();
        }
    }

    private static byte[][] redacted(CommandSpec spec, byte[][] argv) {
        if (spec.name().equals("auth")) {
            byte[][] r = argv.clone();
            for (int i = 1; i < r.length; i++) {
                r[i] = REDACTED;
            }
            return r;
        }
        if (spec.name().equals("hello")) {
            byte[][] r = argv.clone();
            for (int j = 2; j < r.length; j++) {
                int more = r.length - 1 - j;
                String opt = new String(r[j], StandardCharsets.ISO_8859_1);
                if (opt.equalsIgnoreCase("auth") && more >= 2) {
                    r[j + 1] = REDACTED;
                    r[j + 2] = REDACTED;
                    j += 2;
                } else if (opt.equalsIgnoreCase("setname") && more >= 1) {
                    j++;
                } else {
                    break;
                }
            }
            return r;
        }
        if (spec.name().equals("migrate")) {
            return dev.chorus.node.command.SlowLog.redactMigrate(argv);
        }
        return argv;
    }

    /** sds.c's sdscatrepr: quoted, with \\ \" \n \r \t \a \b escaped and other non-printables as \xHH. */
    static void repr(ByteArrayOutputStream out, byte[] s) {
        out.writeBytes(Repr.of(s).getBytes(StandardCharsets.US_ASCII));
    }
}
