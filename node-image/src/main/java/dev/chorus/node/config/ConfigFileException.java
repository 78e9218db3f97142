package dev.chorus.node.config;

/** A bad line in the configuration: formatted exactly like Redis' "FATAL CONFIG FILE ERROR" report. */
public final class ConfigFileException extends Exception {
    /** The line number of errors found after the whole configuration was read. */
    public static final int AFTER_LAST_LINE = -1;
    private final String source;
    private final int line;
    private final String text;
    private final String reason;

    public ConfigFileException(String source, int line, String text, String reason) {
        super(reason + " (" + source + ":" + line + ": '" + text + "')");
        this.source = source;
        this.line = line;
        this.text = text;
        this.reason = reason;
    }

    public String source() {
        return source;
    }

    public int line() {
        return line;
    }

    public String reason() {
        return reason;
    }

    /** What Redis prints to stderr before exiting with status 1 (plus which file, since includes make it ambiguous). */
    public String report(String version) {
        if (line == 0) {
            return reason + "\n"; // the file could not be read at all: Redis prints just the reason
        }
        if (line == AFTER_LAST_LINE) { // a check after every line was read (the log file cannot be opened)
            return "\n*** FATAL CONFIG FILE ERROR (Redis " + version + ") ***\n" + reason + "\n";
        }
        return "\n*** FATAL CONFIG FILE ERROR (Redis " + version + ") ***\n"
                + "Reading the configuration file " + source + ", at line " + line + "\n"
                + ">>> '" + text + "'\n"
                + reason + "\n";
    }
}
