package dev.chorus.operator.chaos;

import static org.awaitility.Awaitility.await;

import dev.chorus.operator.api.ReplicaSet;
import dev.chorus.operator.api.ReplicaSetStatus;
import dev.chorus.operator.reconciler.ReplicaSetFixture;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/** Creating a ReplicaSet for a chaos scenario and reading what the operator reports about it. */
public final class ChaosSets {
    public static final int PORT = 6379;

    private ChaosSets() {
    }

    public static boolean ready(ReplicaSet rs) {
        return rs != null && rs.getStatus() != null && rs.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    public static ReplicaSetStatus awaitReady(KubernetesClient admin, String ns, String name, Duration atMost) {
        await("ReplicaSet " + ns + "/" + name + " with condition Ready=True").atMost(atMost)
                .pollInterval(Duration.ofMillis(250)).until(() -> ready(ReplicaSetFixture.get(admin, ns, name)));
        return ReplicaSetFixture.get(admin, ns, name).getStatus();
    }

    /** status.master, or null. */
    public static String master(KubernetesClient admin, String ns, String name) {
        ReplicaSet rs = ReplicaSetFixture.get(admin, ns, name);
        return rs == null || rs.getStatus() == null ? null : rs.getStatus().getMaster();
    }

    /** The set's pods that are not being deleted, by name. */
    public static List<Pod> pods(KubernetesClient admin, String ns, String name) {
        return admin.pods().inNamespace(ns).withLabel("app.kubernetes.io/instance", name).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .sorted(Comparator.comparing(p -> p.getMetadata().getName())).toList();
    }

    public static String podIp(KubernetesClient admin, String ns, String pod) {
        Pod p = admin.pods().inNamespace(ns).withName(pod).get();
        return p == null || p.getStatus() == null ? null : p.getStatus().getPodIP();
    }

    /** A pod of the set other than the recorded master. */
    public static String aReplica(KubernetesClient admin, String ns, String name) {
        String master = master(admin, ns, name);
        return pods(admin, ns, name).stream().map(p -> p.getMetadata().getName())
                .filter(n -> !Objects.equals(n, master)).findFirst().orElseThrow();
    }

    /** Reasons of the core/v1 Events about the ReplicaSet, oldest first. */
    public static List<String> eventReasons(KubernetesClient admin, String ns, String name) {
        return events(admin, ns, name).stream().map(Event::getReason).toList();
    }

    public static List<Event> events(KubernetesClient admin, String ns, String name) {
        return admin.v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> "ReplicaSet".equals(e.getInvolvedObject().getKind())
                        && name.equals(e.getInvolvedObject().getName()))
                .sorted(Comparator.comparing(e -> String.valueOf(e.getEventTime() != null
                        ? e.getEventTime().getTime() : e.getLastTimestamp())))
                .toList();
    }

    /** One line per Event, for failure messages and reports. */
    public static String eventLog(KubernetesClient admin, String ns, String name) {
        StringBuilder sb = new StringBuilder();
        for (Event e : events(admin, ns, name)) {
            sb.append(e.getEventTime() != null ? e.getEventTime().getTime() : e.getLastTimestamp()).append(' ')
                    .append(e.getReason()).append(": ").append(e.getMessage()).append('\n');
        }
        return sb.toString();
    }

    /** Frees the machine for the next scenario: the namespace's pods are stopped in the background. */
    public static void deleteNamespace(KubernetesClient admin, String ns) {
        admin.namespaces().withName(ns).delete();
    }
}
