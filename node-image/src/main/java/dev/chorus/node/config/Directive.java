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
    /** Redis' PROTECTED_CONFIG, DENY_LOADING_CONFIG, MULTI_ARG_CONFIG, HIDDEN_CONFIG flags (see {@link #flag}). */
    private int flags;
    /** Why the node accepts and keeps this directive but it changes nothing (docs/config.md lists them), or null. */
    private String noEffect;

    /** CONFIG SET refuses it unless enable-protected-configs allows the client (Redis' PROTECTED_CONFIG). */
    public static final int PROTECTED = 1;
    /** CONFIG SET answers -LOADING while a dataset is being loaded (Redis' DENY_LOADING_CONFIG). */
    public static final int DENY_LOADING = 2;
    /** CONFIG SET splits the value at every space (Redis' MULTI_ARG_CONFIG). */
    public static final int MULTI_ARG = 4;
    /** Left out of CONFIG GET patterns, found only by its exact name (Redis' HIDDEN_CONFIG). */
    public static final int HIDDEN = 8;
    /** CONFIG REWRITE writes the value with a unit when it divides evenly (Redis' MEMORY_CONFIG: 1mb, 64kb). */
    public static final int MEMORY = 16;
    /** CONFIG REWRITE always quotes the value (Redis' string and sds configs, written with sdscatrepr). */
    public static final int STRING = 32;

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

    /** Adds Redis config flags ({@link #PROTECTED}, ...); used while declaring directives. */
    Directive flag(int f) {
        flags |= f;
        return this;
    }

    /** Marks a directive the node accepts, validates, keeps and reports, but that changes nothing here, and why. */
    Directive noEffect(String why) {
        this.noEffect = why;
        return this;
    }

    public boolean has(int f) {
        return (flags & f) != 0;
    }

    /** Why this directive has no effect on the node, or null when it has. */
    public String noEffect() {
        return noEffect;
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
