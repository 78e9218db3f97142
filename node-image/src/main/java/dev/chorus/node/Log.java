package dev.chorus.node;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The server log in Redis' format ("1234:M 24 Nov 2026 19:21:06.123 * Ready to accept connections"), so log scrapers
 * and humans used to Redis read it the same way. Writes to the logfile, or stdout when none is set.
 */
public final class Log {
    public enum Level {
        DEBUG('.'), VERBOSE('-'), NOTICE('*'), WARNING('#'), NOTHING(' ');

        private final char mark;

        Level(char mark) {
            this.mark = mark;
        }
    }

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("dd MMM yyyy HH:mm:ss.SSS", Locale.ENGLISH);
    private static final long PID = ProcessHandle.current().pid();
    private static volatile PrintStream out = System.out;
    private static volatile Level threshold = Level.NOTICE;
    private static volatile char role = 'M';

    private Log() {
    }

    public static void configure(String logfile, String level) throws IOException {
        threshold = Level.valueOf(level.toUpperCase(Locale.ROOT));
        if (logfile != null && !logfile.isEmpty()) {
            out = new PrintStream(new FileOutputStream(logfile, true), true, StandardCharsets.UTF_8);
        }
    }

    public static void setLevel(String level) {
        threshold = Level.valueOf(level.toUpperCase(Locale.ROOT));
    }

    /** 'M' for a master, 'S' for a replica, as Redis marks its log lines. */
    public static void setRole(char r) {
        role = r;
    }

    public static void debug(String msg) {
        log(Level.DEBUG, msg);
    }

    public static void verbose(String msg) {
        log(Level.VERBOSE, msg);
    }

    public static void notice(String msg) {
        log(Level.NOTICE, msg);
    }

    public static void warning(String msg) {
        log(Level.WARNING, msg);
    }

    public static boolean enabled(Level level) {
        return level.ordinal() >= threshold.ordinal() && threshold != Level.NOTHING;
    }

    /** Redis' LL_RAW: the text as is, without the pid/role/time/level prefix (the start-up logo). */
    public static void raw(Level level, String text) {
        if (enabled(level)) {
            out.print(text);
            out.flush();
        }
    }

    public static void log(Level level, String msg) {
        if (!enabled(level)) {
            return;
        }
        out.println(PID + ":" + role + " " + TIME.format(ZonedDateTime.now()) + " " + level.mark + " " + msg);
    }
}
