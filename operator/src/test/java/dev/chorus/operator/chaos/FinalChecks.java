package dev.chorus.operator.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chorus.operator.reconciler.ReplicaSetFixture;
import dev.chorus.operator.api.ReplicaSet;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * What must hold after every chaos scenario, once the writer and the probe are stopped: the set is Ready, every
 * replica follows the recorded master with its link up and the master's offset, every acknowledged key has its
 * acknowledged value on every node (zero acknowledged writes lost), and no probe round saw two nodes accept writes.
 */
public final class FinalChecks {
    private FinalChecks() {
    }

    public static void verify(KubernetesClient admin, String ns, String name, AckedWriter writer,
                              SplitBrainProbe probe) {
        writer.close();
        probe.close();
        String context = "\nwriter: " + writer.summary() + "\nprobe: " + probe.summary();
        try {
            ChaosSets.awaitReady(admin, ns, name, Duration.ofSeconds(90));
            awaitReplicasAttached(admin, ns, name, Duration.ofSeconds(60));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + context + "\nstatus: " + statusLine(admin, ns, name)
                    + "\nevents:\n" + ChaosSets.eventLog(admin, ns, name), e);
        }
        assertThat(writer.ackedCount()).as("acknowledged writes (the scenario must have written)" + context)
                .isGreaterThan(0);
        String master = ChaosSets.master(admin, ns, name);
        Map<String, String> acked = writer.acked();
        for (Pod pod : ChaosSets.pods(admin, ns, name)) {
            String node = pod.getMetadata().getName() + (node(pod).equals(master) ? " (master)" : " (replica)");
            Lost lost = lostKeys(pod.getStatus().getPodIP(), acked);
            assertThat(lost.examples()).as(lost.count() + " of " + acked.size() + " acknowledged writes missing or "
                    + "different on " + node + " (first ones shown)" + context + "\nevents:\n"
                    + ChaosSets.eventLog(admin, ns, name)).isEmpty();
        }
        assertThat(probe.maxAccepting()).as("most nodes accepting writes in one probe round" + context)
                .isLessThanOrEqualTo(1);
    }

    private static String node(Pod pod) {
        return pod.getMetadata().getName();
    }

    /**
     * Waits until every pod other than the recorded master is a replica of the master's current IP, link up, at the
     * master's replication offset (the master PINGs its replicas, so offsets move: compared in one poll).
     */
    public static void awaitReplicasAttached(KubernetesClient admin, String ns, String name, Duration atMost) {
        AtomicReference<String> last = new AtomicReference<>("nothing observed yet");
        try {
            await("every replica of " + ns + "/" + name + " attached to the master, link up, offset equal")
                    .atMost(atMost).pollInterval(Duration.ofMillis(250)).until(() -> {
                        String state = replicationState(admin, ns, name);
                        last.set(state);
                        return state.isEmpty();
                    });
        } catch (ConditionTimeoutException e) {
            throw new ConditionTimeoutException(e.getMessage() + "; last seen: " + last.get());
        }
    }

    /** Empty when every replica is attached and caught up; otherwise what is wrong. */
    static String replicationState(KubernetesClient admin, String ns, String name) {
        ReplicaSet rs = ReplicaSetFixture.get(admin, ns, name);
        String master = rs.getStatus() == null ? null : rs.getStatus().getMaster();
        if (master == null) {
            return "no recorded master";
        }
        List<Pod> pods = ChaosSets.pods(admin, ns, name);
        if (pods.size() != rs.getSpec().getReplicas()) {
            return pods.size() + " pods, want " + rs.getSpec().getReplicas();
        }
        String masterIp = ChaosSets.podIp(admin, ns, master);
        if (masterIp == null) {
            return "master " + master + " has no IP";
        }
        Map<String, Map<String, String>> infos = new LinkedHashMap<>();
        for (Pod p : pods) {
            String ip = p.getStatus() == null ? null : p.getStatus().getPodIP();
            if (ip == null) {
                return node(p) + " has no IP";
            }
            try {
                infos.put(node(p), replicationInfo(ip));
            } catch (RuntimeException e) {
                return node(p) + " unreachable: " + e.getMessage();
            }
        }
        Map<String, String> m = infos.get(master);
        if (!"master".equals(m.get("role"))) {
            return "recorded master " + master + " has role " + m.get("role");
        }
        List<String> problems = new ArrayList<>();
        for (var e : infos.entrySet()) {
            if (e.getKey().equals(master)) {
                continue;
            }
            Map<String, String> r = e.getValue();
            if (!"slave".equals(r.get("role")) || !masterIp.equals(r.get("master_host"))
                    || !"up".equals(r.get("master_link_status"))
                    || !m.get("master_repl_offset").equals(r.get("slave_repl_offset"))) {
                problems.add(e.getKey() + ": role=" + r.get("role") + " master_host=" + r.get("master_host")
                        + " link=" + r.get("master_link_status") + " offset=" + r.get("slave_repl_offset")
                        + " (master " + master + "@" + masterIp + " offset " + m.get("master_repl_offset") + ")");
            }
        }
        return String.join("; ", problems);
    }

    static Map<String, String> replicationInfo(String ip) {
        try (Jedis j = connect(ip)) {
            Map<String, String> fields = new LinkedHashMap<>();
            for (String line : j.info("replication").split("\r?\n")) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
                }
            }
            return fields;
        }
    }

    /** How many acknowledged writes a node lacks, and the first few. */
    record Lost(long count, List<String> examples) {
    }

    /** Acknowledged keys the node at {@code ip} does not hold with the acknowledged value. */
    static Lost lostKeys(String ip, Map<String, String> acked) {
        List<String> lost = new ArrayList<>();
        long lostCount = 0;
        List<String> keys = new ArrayList<>(acked.keySet());
        try (Jedis j = connect(ip)) {
            for (int from = 0; from < keys.size(); from += 500) {
                List<String> chunk = keys.subList(from, Math.min(keys.size(), from + 500));
                List<String> values = j.mget(chunk.toArray(String[]::new));
                for (int i = 0; i < chunk.size(); i++) {
                    String want = acked.get(chunk.get(i));
                    if (!want.equals(values.get(i))) {
                        lostCount++;
                        if (lost.size() < 10) {
                            lost.add(chunk.get(i) + " = " + values.get(i) + " (acked " + want + ")");
                        }
                    }
                }
            }
        }
        return new Lost(lostCount, lost);
    }

    static Jedis connect(String ip) {
        return new Jedis(new HostAndPort(ip, ChaosSets.PORT), DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(1000).socketTimeoutMillis(5000).build());
    }

    static String statusLine(KubernetesClient admin, String ns, String name) {
        ReplicaSet rs = ReplicaSetFixture.get(admin, ns, name);
        if (rs == null || rs.getStatus() == null) {
            return "none";
        }
        var s = rs.getStatus();
        StringBuilder sb = new StringBuilder("phase=" + s.getPhase() + " master=" + s.getMaster() + " ready="
                + s.getReady() + " conditions=");
        s.getConditions().forEach(c -> sb.append(c.getType()).append('=').append(c.getStatus()).append('(')
                .append(c.getReason()).append(") "));
        return sb.toString();
    }
}
