package dev.chorus.node;

import dev.chorus.node.config.Config;
import dev.chorus.node.config.Directives;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Redis' setOOMScoreAdj: with oom-score-adj on, the process's /proc/self/oom_score_adj is the oom-score-adj-values
 * entry for its role (master, replica), absolute or relative to the value the process started with; turning it off
 * restores that value. (The third value is for Redis' fork()ed children, which a JVM does not have.)
 */
final class OomScoreAdj {
    private static final Path FILE = Path.of("/proc/self/oom_score_adj");
    private static boolean adjusted;
    private static int base;

    private OomScoreAdj() {
    }

    /** Applies the configuration for the current role; false (and a logged warning) when the file cannot be used. */
    @SuppressWarnings("unchecked")
    static synchronized boolean apply(Config config, boolean replica) {
        String mode = config.getString(Directives.OOM_SCORE_ADJ);
        int val;
        if (!mode.equals("no")) {
            if (!adjusted) {
                try {
                    base = Integer.parseInt(Files.readString(FILE, StandardCharsets.US_ASCII).strip());
                } catch (IOException | NumberFormatException e) {
                    Log.warning("Unable to read oom_score_adj: " + e.getMessage());
                    return false;
                }
                adjusted = true;
            }
            List<Long> values = (List<Long>) config.get(Directives.OOM_SCORE_ADJ_VALUES);
            val = values.get(replica ? 1 : 0).intValue();
            if (mode.equals("yes")) { // "yes" and "relative" are the same value
                val += base;
            }
            val = Math.max(-1000, Math.min(1000, val));
        } else if (adjusted) {
            adjusted = false;
            val = base;
        } else {
            return true;
        }
        try {
            Files.writeString(FILE, val + "\n", StandardCharsets.US_ASCII);
            return true;
        } catch (IOException e) {
            Log.warning("Unable to write oom_score_adj: " + e.getMessage());
            return false;
        }
    }
}
