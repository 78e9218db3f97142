package dev.chorus.node.config;

import java.util.List;
import java.util.Locale;

/**
 * One configuration directive: name, aliases, how its value is parsed and shown, its default, and whether CONFIG SET
 * may change it at run time. Values are kept as parsed objects (Long, Boolean, String, or a directive-specific type).
 */
public final class Directive {
    /** How a value is parsed from the words after the directive name. */
    public interface Parser {
        Object parse(List<String> args) throws ConfigException;
    }

    /** A value that only partly replaces the current one (client-output-buffer-limit names some classes). */
    public interface Merged {
        Object over(Object current);
    }

    /** How a parsed value is shown by CONFIG GET and written by CONFIG REWRITE. */
    public interface Formatter {
        String format(Object value);
    }

    private final String name;
    private final List<String> aliases;
    private final Parser parser;
    private final Formatter formatter;
    private final String defaultText;
    private final boolean mutable;
    private final int index;

    Directive(String name, List<String> aliases, Parser parser, Formatter formatter, String defaultText,
              boolean mutable, int index) {
        this.name = name;
        this.aliases = aliases;
        this.parser = parser;
        this.formatter = formatter;
        this.defaultText = defaultText;
        this.mutable = mutable;
        this.index = index;
    }

    public String name() {
        return name;
    }

    public List<String> aliases() {
        return aliases;
    }

    public boolean mutable() {
        return mutable;
    }

    public String defaultText() {
        return defaultText;
    }

    int index() {
        return index;
    }

    public Object parse(List<String> args) throws ConfigException {
        return parser.parse(args);
    }

    public String format(Object value) {
        return formatter.format(value);
    }

    public boolean matches(String candidate) {
        String lower = candidate.toLowerCase(Locale.ROOT);
        return name.equals(lower) || aliases.contains(lower);
    }

    @Override
    public String toString() {
        return name;
    }
}
