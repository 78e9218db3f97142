package dev.chorus.node.scripting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.node.testing.RawConnection;
import dev.chorus.node.testing.ServerProcess;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SCRIPT DEBUG SYNC sessions: the transcript of a session (what each debugger command answers, the end of the
 * session and the closed connection) is redis-server's, for the commands the node supports before the script runs.
 */
class LuaDebuggerIT {
    private static ServerProcess redis;
    private static ServerProcess node;

    @BeforeAll
    static void start() {
        redis = ServerProcess.redis();
        node = ServerProcess.node();
    }

    @AfterAll
    static void stop() {
        if (redis != null) {
            redis.close();
        }
        if (node != null) {
            node.close();
        }
    }

    private static List<String> session(ServerProcess server) {
        List<String> transcript = new ArrayList<>();
        try (RawConnection c = server.connect()) {
            c.callText("SET", "dk", "dv");
            transcript.add(c.callText("SCRIPT", "DEBUG", "SYNC"));
            transcript.add(c.callText("EVAL", "local a = 1\nreturn redis.call('get', KEYS[1])\n", "1", "dk", "x"));
            for (String[] cmd : new String[][] {{"help"}, {"list"}, {"l", "2", "0"}, {"whole"}, {"print"},
                {"print", "KEYS"}, {"p", "ARGV"}, {"p", "nosuch"}, {"redis", "get", "dk"}, {"r", "test", "test"},
                {"redis", "incr", "dk"}, {"eval", "1", "+", "1"}, {"e", "{1, 'a'}"}, {"hello\0world"}, {"b"},
                {"maxlen"}, {"maxlen", "10"}, {"maxlen", "0"}, {"t"}, {"redis"}}) {
                transcript.add(String.join(" ", cmd) + " => " + c.callText(cmd));
            }
            transcript.add(c.callText("continue"));
            transcript.add(new String(c.read(), StandardCharsets.ISO_8859_1));
            transcript.add("closed " + c.closedByPeer());
        }
        try (RawConnection c = server.connect()) {
            transcript.add(c.callText("SCRIPT", "DEBUG", "SYNC"));
            transcript.add(c.callText("EVAL", "return 'x'", "0"));
            transcript.add(c.callText("abort"));
            transcript.add(new String(c.read(), StandardCharsets.ISO_8859_1));
        }
        try (RawConnection c = server.connect()) {
            transcript.add(c.callText("SCRIPT", "DEBUG", "SYNC"));
            transcript.add(c.callText("EVAL", "return +", "0"));
            transcript.add(new String(c.read(), StandardCharsets.ISO_8859_1).replaceAll(
                    "user_script:1: .*", "user_script:1: <LuaJ's wording>"));
        }
        try (RawConnection c = server.connect()) {
            transcript.add(c.callText("SCRIPT", "DEBUG", "MAYBE"));
            transcript.add(c.callText("SCRIPT", "DEBUG", "YES"));
            transcript.add(c.callText("EVALSHA", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0"));
            transcript.add(c.callText("SCRIPT", "DEBUG", "NO"));
            transcript.add(c.callText("EVAL", "return 'plain'", "0"));
        }
        return transcript;
    }

    @Test
    void aSyncSessionAnswersAsRedis() {
        List<String> expected = session(redis);
        assertThat(session(node)).containsExactlyElementsOf(expected);
    }
}
