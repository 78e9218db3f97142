package dev.chorus.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.node.testing.OraclePair;
import dev.chorus.node.testing.RawConnection;
import dev.chorus.node.testing.RespFrames;
import dev.chorus.node.testing.ServerProcess;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the one key-change stream produces where a step script cannot pin it down: expiry and eviction happen on the
 * server's own schedule, the tracking table's eviction picks keys at random, and CLIENT LIST lines carry ids and
 * addresses. Each check runs the same steps on Redis and on the node and compares what can be compared.
 */
class KeyChangesIT {
    @RegisterExtension
    static final OraclePair servers = new OraclePair();

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** The "expired" event, published when the server finds the key expired (nobody touches it here). */
    @Test
    void expiredEventsMatchRedis() {
        Map<String, List<String>> seen = new TreeMap<>();
        for (ServerProcess s : List.of(servers.redis(), servers.node())) {
            try (RawConnection admin = s.connect(); RawConnection sub = s.connect()) {
                admin.call("FLUSHALL");
                admin.call("CONFIG", "SET", "notify-keyspace-events", "KEx");
                sub.call("PSUBSCRIBE", "__key*@0__:*");
                admin.call("SET", "soon", "v", "PX", "20");
                List<String> got = new ArrayList<>();
                got.add(text(sub.read())); // arrives by itself once the key is found expired (10 s socket deadline)
                got.add(text(sub.read()));
                got.add(text(admin.call("EXISTS", "soon")));
                got.add(stat(admin, "expired_keys"));
                admin.call("CONFIG", "SET", "notify-keyspace-events", "");
                seen.put(s.kind().name(), got);
            }
        }
        assertThat(seen.get("NODE")).isEqualTo(seen.get("REDIS"));
        assertThat(seen.get("NODE").get(1)).contains("__keyevent@0__:expired");
    }

    /** Eviction publishes "evicted" for every key it drops (in an order the policy picks). */
    @Test
    void evictedEventsMatchRedis() {
        Map<String, List<String>> seen = new TreeMap<>();
        for (ServerProcess s : List.of(servers.redis(), servers.node())) {
            try (RawConnection admin = s.connect(); RawConnection sub = s.connect()) {
                admin.call("FLUSHALL");
                admin.call("CONFIG", "SET", "notify-keyspace-events", "Ee");
                sub.call("SUBSCRIBE", "__keyevent@0__:evicted");
                admin.call("SET", "a", "1");
                admin.call("SET", "b", "2");
                admin.call("CONFIG", "SET", "maxmemory-policy", "allkeys-random");
                admin.call("CONFIG", "SET", "maxmemory", "1");
                // Redis evicts when the limit is set, the node before the next write (whose reply depends on how
                // each counts memory, so it is not compared).
                admin.call("SET", "c", "3");
                List<String> got = new ArrayList<>();
                got.add(text(sub.read()));
                got.add(text(sub.read()));
                got.sort(null);
                admin.call("CONFIG", "SET", "maxmemory", "0");
                admin.call("CONFIG", "SET", "maxmemory-policy", "noeviction");
                admin.call("CONFIG", "SET", "notify-keyspace-events", "");
                got.add(text(admin.call("EXISTS", "a", "b")));
                seen.put(s.kind().name(), got);
            }
        }
        assertThat(seen.get("NODE")).isEqualTo(seen.get("REDIS"));
        assertThat(seen.get("NODE").get(0)).contains("evicted");
    }

    /** RESTORE publishes "restore" (and "new" for the key it adds). */
    @Test
    void restoreEventMatchesRedis() {
        Map<String, List<String>> seen = new TreeMap<>();
        for (ServerProcess s : List.of(servers.redis(), servers.node())) {
            try (RawConnection admin = s.connect(); RawConnection sub = s.connect()) {
                admin.call("FLUSHALL");
                admin.call("CONFIG", "SET", "notify-keyspace-events", "KEgn");
                sub.call("PSUBSCRIBE", "__key*__:*");
                admin.call("RPUSH", "src", "a", "b");
                byte[] dump = admin.call("DUMP", "src");
                byte[] payload = java.util.Arrays.copyOfRange(dump, text(dump).indexOf("\r\n") + 2, dump.length - 2);
                admin.send(RawConnection.encode(List.of("RESTORE".getBytes(), "dst".getBytes(), "0".getBytes(),
                        payload)));
                List<String> got = new ArrayList<>();
                got.add(text(admin.read()));
                for (int i = 0; i < 6; i++) { // new (keyspace, keyevent) for src, then new and restore for dst
                    got.add(text(sub.read()));
                }
                admin.call("CONFIG", "SET", "notify-keyspace-events", "");
                seen.put(s.kind().name(), got);
            }
        }
        assertThat(seen.get("NODE")).isEqualTo(seen.get("REDIS"));
    }

    /** Over tracking-table-max-keys, keys are dropped from the table and their readers told, as if modified. */
    @Test
    void trackingTableEvictionMatchesRedis() {
        Map<String, List<String>> seen = new TreeMap<>();
        for (ServerProcess s : List.of(servers.redis(), servers.node())) {
            try (RawConnection admin = s.connect(); RawConnection c = s.connect()) {
                admin.call("FLUSHALL");
                admin.call("CONFIG", "SET", "tracking-table-max-keys", "2");
                c.call("HELLO", "3");
                c.call("CLIENT", "TRACKING", "on");
                c.call("MGET", "k1", "k2", "k3", "k4", "k5");
                List<String> got = new ArrayList<>();
                got.add(stat(admin, "tracking_total_keys"));
                // The next command finds the table over the limit: three keys (chosen at random) are invalidated.
                c.send(RawConnection.encode("PING"));
                int pushes = 0;
                while (true) {
                    String frame = text(c.read());
                    if (frame.equals("+PONG\r\n")) {
                        break;
                    }
                    assertThat(frame).startsWith(">2\r\n$10\r\ninvalidate\r\n*1\r\n");
                    pushes++;
                }
                got.add("pushes=" + pushes);
                got.add(stat(admin, "tracking_total_keys"));
                got.add(stat(admin, "tracking_total_items"));
                got.add(text(admin.call("INFO", "clients")).lines().filter(l -> l.startsWith("tracking_clients"))
                        .findFirst().orElse("none"));
                admin.call("CONFIG", "SET", "tracking-table-max-keys", "1000000");
                got.add(text(admin.call("CONFIG", "GET", "tracking-table-max-keys")));
                seen.put(s.kind().name(), got);
            }
        }
        assertThat(seen.get("NODE")).isEqualTo(seen.get("REDIS"));
        assertThat(seen.get("NODE")).contains("pushes=3");
    }

    private static String stat(RawConnection admin, String field) {
        return text(admin.call("INFO", "stats")).lines().filter(l -> l.startsWith(field + ":")).findFirst()
                .orElse(field + " missing");
    }

    /** CLIENT LIST: flags (O monitor, t tracking, B bcast, R broken redirect, P pub/sub, e no-evict), ssub, redir. */
    @Test
    void clientListFlagsMatchRedis() {
        Map<String, List<String>> seen = new TreeMap<>();
        Pattern fields = Pattern.compile("flags=(\\S+) .* ssub=(\\d+) .* redir=(-?\\d+)");
        for (ServerProcess s : List.of(servers.redis(), servers.node())) {
            try (RawConnection admin = s.connect(); RawConnection mon = s.connect();
                    RawConnection bcast = s.connect(); RawConnection broken = s.connect();
                    RawConnection shard = s.connect()) {
                mon.call("MONITOR");
                bcast.call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "p");
                bcast.call("CLIENT", "NO-EVICT", "on");
                shard.call("HELLO", "3");
                shard.call("SSUBSCRIBE", "s1");
                RawConnection gone = s.connect();
                String goneId = text(gone.call("CLIENT", "ID")).substring(1).strip();
                broken.call("HELLO", "3");
                broken.call("CLIENT", "TRACKING", "on", "REDIRECT", goneId);
                broken.call("GET", "x");
                gone.close();
                List<String> got = new ArrayList<>();
                // Wait until the server has seen the close: the redirect breaks on the next invalidation.
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                        .until(() -> !text(admin.call("CLIENT", "LIST")).contains("id=" + goneId + " "));
                admin.call("SET", "x", "1");
                got.add(text(broken.read())); // >2 tracking-redir-broken <id>, id written as REDIR below
                for (RawConnection c : List.of(bcast, broken, shard)) {
                    c.send(RawConnection.encode("CLIENT", "INFO"));
                }
                for (RawConnection c : List.of(bcast, broken, shard)) {
                    Matcher m = fields.matcher(text(c.read()));
                    assertThat(m.find()).isTrue();
                    got.add(m.group(1) + " ssub=" + m.group(2) + " redir=" + (m.group(3).equals(goneId) ? "GONE"
                            : m.group(3)));
                }
                got.set(0, got.get(0).replace(":" + goneId + "\r\n", ":GONE\r\n"));
                String monitorLine = text(admin.call("CLIENT", "LIST"));
                Matcher m = Pattern.compile("flags=(O\\S*)").matcher(monitorLine);
                got.add(m.find() ? m.group(1) : "no monitor in " + monitorLine);
                seen.put(s.kind().name(), got);
            }
        }
        assertThat(seen.get("NODE")).isEqualTo(seen.get("REDIS"));
    }
}
