package dev.chorus.node.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.node.resp.RespRequestParser;
import dev.chorus.node.testing.OraclePair;
import dev.chorus.node.testing.RawConnection;
import dev.chorus.node.testing.RespFrames;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random sorted set workloads replayed against redis-server and the node, every reply compared byte for byte: big
 * enough sets to cross from listpack to skiplist, duplicate scores, infinities, member lengths around the 64-byte
 * limit, both protocols. Only deterministic commands are generated (lex ranges only over equal-score keys, since Redis
 * answers them on mixed scores by walking its random skiplist levels).
 */
class SortedSetRandomIT {
    @RegisterExtension
    static final OraclePair servers = new OraclePair();

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void randomWorkloadMatchesRedis(long seed) {
        Workload w = new Workload(new Random(seed));
        try (RawConnection r = servers.redis().connect(); RawConnection n = servers.node().connect()) {
            r.call("FLUSHALL");
            n.call("FLUSHALL");
            for (int i = 0; i < 2000; i++) {
                String line = w.next();
                List<byte[]> args = RespRequestParser.splitArgs(line.getBytes(StandardCharsets.UTF_8));
                byte[] expected = r.call(args);
                byte[] actual = n.call(args);
                if (line.startsWith("HELLO")) {
                    continue; // switches the protocol; its reply carries the connection id
                }
                if (!Arrays.equals(expected, actual)) {
                    // Later replies would differ anyway once the data diverged: report the first difference.
                    assertThat(RespFrames.show(actual)).as("seed %d, command %d: %s", seed, i, line)
                            .isEqualTo(RespFrames.show(expected));
                }
            }
            r.call("HELLO", "2");
            n.call("HELLO", "2");
        }
    }

    /** Generates commands over three mixed-score keys and two equal-score (lex) keys. */
    private static final class Workload {
        private static final String[] KEYS = {"k1", "k2", "k3"};
        private static final String[] LEX_KEYS = {"l1", "l2"};
        private final Random rnd;

        Workload(Random rnd) {
            this.rnd = rnd;
        }

        private <T> T pick(T[] a) {
            return a[rnd.nextInt(a.length)];
        }

        private int between(int lo, int hi) {
            return lo + rnd.nextInt(hi - lo + 1);
        }

        private String member() {
            if (rnd.nextInt(20) == 0) {
                return "x".repeat(between(60, 70)); // around zset-max-listpack-value
            }
            return "m" + rnd.nextInt(250);
        }

        private String score() {
            double r = rnd.nextDouble();
            if (r < 0.1) {
                return pick(new String[] {"inf", "-inf", "+inf", "0", "-0", "1e20", "0.1", "-2.5"});
            }
            if (r < 0.5) {
                return Integer.toString(between(-20, 20));
            }
            double v = -100 + 200 * rnd.nextDouble();
            return new java.math.BigDecimal(v).setScale(between(0, 6), java.math.RoundingMode.HALF_UP).toPlainString();
        }

        private String bound() {
            return (rnd.nextInt(10) < 3 ? "(" : "") + score();
        }

        private String lexBound() {
            int r = rnd.nextInt(20);
            if (r < 3) {
                return "-";
            }
            if (r < 6) {
                return "+";
            }
            return (rnd.nextBoolean() ? "(" : "[") + member();
        }

        private String index() {
            return Integer.toString(between(-300, 300));
        }

        private String repeat(int lo, int hi, Supplier<String> item) {
            List<String> out = new ArrayList<>();
            for (int i = between(lo, hi); i > 0; i--) {
                out.add(item.get());
            }
            return String.join(" ", out);
        }

        private String limit() {
            return "LIMIT " + between(-1, 10) + " " + between(-1, 10);
        }

        String next() {
            String k = pick(KEYS);
            String lk = pick(LEX_KEYS);
            int r = rnd.nextInt(100);
            if (r < 28) {
                String opts = pick(new String[] {"", "NX", "XX", "GT", "LT", "CH", "XX CH", "GT CH", "LT XX"});
                return "ZADD " + k + " " + opts + " " + repeat(1, 40, () -> score() + " " + member());
            } else if (r < 31) {
                return "ZADD " + lk + " " + repeat(1, 30, () -> "0 " + member());
            } else if (r < 35) {
                return "ZINCRBY " + k + " " + score() + " " + member();
            } else if (r < 38) {
                return "ZADD " + k + " INCR " + pick(new String[] {"", "GT", "LT", "XX", "NX"}) + " " + score() + " "
                        + member();
            } else if (r < 42) {
                return "ZREM " + k + " " + repeat(1, 10, this::member);
            } else if (r < 47) {
                return "ZRANGE " + k + " " + index() + " " + index() + " "
                        + pick(new String[] {"", "WITHSCORES", "REV", "REV WITHSCORES"});
            } else if (r < 52) {
                return "ZRANGE " + k + " " + bound() + " " + bound() + " BYSCORE " + pick(new String[] {"", "REV"})
                        + " " + (rnd.nextBoolean() ? "WITHSCORES" : limit());
            } else if (r < 55) {
                return "ZRANGE " + lk + " " + lexBound() + " " + lexBound() + " BYLEX "
                        + pick(new String[] {"", "REV"}) + " " + (rnd.nextBoolean() ? "" : limit());
            } else if (r < 58) {
                return "ZCOUNT " + k + " " + bound() + " " + bound();
            } else if (r < 60) {
                return "ZLEXCOUNT " + lk + " " + lexBound() + " " + lexBound();
            } else if (r < 63) {
                return (rnd.nextBoolean() ? "ZRANK " : "ZREVRANK ") + k + " " + member();
            } else if (r < 66) {
                return "ZMSCORE " + k + " " + member() + " " + member();
            } else if (r < 68) {
                return "ZREMRANGEBYRANK " + k + " " + between(-20, 20) + " " + between(-20, 20);
            } else if (r < 70) {
                return "ZREMRANGEBYSCORE " + k + " " + bound() + " " + bound();
            } else if (r < 71) {
                return "ZREMRANGEBYLEX " + lk + " " + lexBound() + " " + lexBound();
            } else if (r < 75) {
                return algebra();
            } else if (r < 76) {
                return "ZINTERCARD 2 " + k + " " + pick(KEYS) + " LIMIT " + between(0, 5);
            } else if (r < 78) {
                return pick(new String[] {"ZPOPMIN ", "ZPOPMAX "}) + k + " "
                        + pick(new String[] {"", "1", "3", "0", "200"});
            } else if (r < 80) {
                return "ZMPOP 2 " + pick(new String[] {"k1", "k2", "k3", "nokey"}) + " " + k + " "
                        + pick(new String[] {"MIN", "MAX"}) + " COUNT " + between(1, 5);
            } else if (r < 82) {
                return "ZRANGESTORE " + pick(KEYS) + " " + k + " " + index() + " " + index();
            } else if (r < 84) {
                return "ZRANGESTORE " + pick(KEYS) + " " + k + " " + bound() + " " + bound() + " BYSCORE LIMIT 0 "
                        + between(-1, 200);
            } else if (r < 88) {
                return "OBJECT ENCODING " + pick(new String[] {"k1", "k2", "k3", "l1", "l2"});
            } else if (r < 92) {
                return "ZRANGE " + k + " 0 -1 WITHSCORES";
            } else if (r < 94) {
                return "ZCARD " + k;
            } else if (r < 96) {
                return "HELLO " + between(2, 3) + " SETNAME x";
            } else {
                // Asking for at least the whole set is deterministic: all members, highest first.
                return "ZRANDMEMBER " + k + " " + pick(new String[] {"0", "300", "1000"}) + " WITHSCORES";
            }
        }

        private String algebra() {
            String op = pick(new String[] {"ZUNION", "ZINTER", "ZDIFF"});
            int n = between(1, 3);
            String keys = repeat(n, n, () -> pick(new String[] {"k1", "k2", "k3", "nokey"}));
            StringBuilder extra = new StringBuilder();
            if (!op.equals("ZDIFF") && rnd.nextBoolean()) {
                extra.append(" WEIGHTS ").append(repeat(n, n, () -> pick(new String[] {"1", "2", "-1", "0.5", "0",
                        "inf"})));
            }
            if (!op.equals("ZDIFF") && rnd.nextBoolean()) {
                extra.append(" AGGREGATE ").append(pick(new String[] {"SUM", "MIN", "MAX"}));
            }
            if (rnd.nextBoolean()) {
                return op + "STORE " + pick(KEYS) + " " + n + " " + keys + extra;
            }
            return op + " " + n + " " + keys + extra + " WITHSCORES";
        }
    }
}
