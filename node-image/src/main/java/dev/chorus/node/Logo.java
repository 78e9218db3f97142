package dev.chorus.node;

/** Redis 7.0's start-up banner (asciilogo.h), printed the way redisAsciiArt() prints it. */
final class Logo {
    private static final String[] ART = {
        "                _._                                                  ",
        "           _.-``__ ''-._                                             ",
        "      _.-``    `.  `_.  ''-._           Redis %s (00000000/0) 64 bit",
        "  .-`` .-```.  ```\\/    _.,_ ''-._                                  ",
        " (    '      ,       .-`  | `,    )     Running in standalone mode",
        " |`-._`-...-` __...-.``-._|'` _.-'|     Port: %d",
        " |    `-._   `._    /     _.-'    |     PID: %d",
        "  `-._    `-._  `-./  _.-'    _.-'                                   ",
        " |`-._`-._    `-.__.-'    _.-'_.-'|                                  ",
        " |    `-._`-._        _.-'_.-'    |           https://redis.io       ",
        "  `-._    `-._`-.__.-'_.-'    _.-'                                   ",
        " |`-._`-._    `-.__.-'    _.-'_.-'|                                  ",
        " |    `-._`-._        _.-'_.-'    |                                  ",
        "  `-._    `-._`-.__.-'_.-'    _.-'                                   ",
        "      `-._    `-.__.-'    _.-'                                       ",
        "          `-._        _.-'                                           ",
        "              `-.__.-'                                               ",
        "",
        ""};

    private Logo() {
    }

    static String render(String version, int port, long pid) {
        return String.format(String.join("\n", ART), version, port, pid);
    }

    /**
     * Redis shows the logo when asked (always-show-logo yes), or when it logs to a terminal: no logfile, no syslog,
     * stdout a tty. Otherwise it logs one "Running mode=..." line instead.
     */
    static boolean shown(boolean alwaysShowLogo, String logfile, boolean syslog) {
        return alwaysShowLogo || (!syslog && logfile.isEmpty() && System.console() != null);
    }
}
