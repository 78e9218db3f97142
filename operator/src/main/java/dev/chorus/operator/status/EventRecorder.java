package dev.chorus.operator.status;

import dev.chorus.operator.api.ReplicaSet;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.jboss.logging.Logger;

/** Kubernetes Events on the ReplicaSet for every role change, so `kubectl describe` tells the story. */
public final class EventRecorder {
    private static final Logger LOG = Logger.getLogger(EventRecorder.class);
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");
    private static final DateTimeFormatter MICROSECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX");

    private EventRecorder() {
    }

    public static void record(KubernetesClient client, ReplicaSet rs, String type, String reason, String message) {
        LOG.infof("%s/%s %s: %s", rs.getMetadata().getNamespace(), rs.getMetadata().getName(), reason, message);
        ZonedDateTime t = ZonedDateTime.now(ZoneOffset.UTC);
        // The apiserver parses Time as RFC 3339 and MicroTime with exactly six fractional digits; ISO_INSTANT's
        // nanoseconds make it reject the whole Event (400).
        String now = t.format(SECONDS);
        String micro = t.format(MICROSECONDS);
        String ns = rs.getMetadata().getNamespace();
        // The name is derived from what the Event says, not from this process: a repeat, also one by a restarted
        // operator or by the next leader, bumps the count of the same Event instead of adding one.
        String name = name(rs, type, reason, message);
        try {
            Event existing = client.v1().events().inNamespace(ns).withName(name).get();
            if (existing == null) {
                try {
                    client.v1().events().inNamespace(ns).resource(new EventBuilder()
                            .withNewMetadata().withName(name).withNamespace(ns).endMetadata()
                            .withNewInvolvedObject().withApiVersion(rs.getApiVersion()).withKind(rs.getKind())
                            .withName(rs.getMetadata().getName()).withNamespace(ns)
                            .withUid(rs.getMetadata().getUid()).endInvolvedObject()
                            .withType(type).withReason(reason).withMessage(message)
                            .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                            .withEventTime(new MicroTime(micro))
                            .withReportingComponent("chorus-operator").withReportingInstance("chorus-operator")
                            .withAction(reason)
                            .withNewSource().withComponent("chorus-operator").endSource()
                            .build()).create();
                    return;
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 409) {
                        throw e;
                    }
                    existing = client.v1().events().inNamespace(ns).withName(name).get(); // created meanwhile
                }
            }
            int count = existing == null || existing.getCount() == null ? 1 : existing.getCount();
            Event bump = new EventBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
                    .withCount(count + 1).withLastTimestamp(now).build();
            client.v1().events().inNamespace(ns).withName(name).patch(PatchContext.of(PatchType.JSON_MERGE), bump);
        } catch (KubernetesClientException e) {
            LOG.warnf("Could not record event %s: %s", reason, e.getMessage());
        }
    }

    /** {@code <replicaset>.<hash of uid, type, reason and message>}: the same Event for the same story. */
    static String name(ReplicaSet rs, String type, String reason, String message) {
        String key = rs.getMetadata().getUid() + "\n" + type + "\n" + reason + "\n" + message;
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return rs.getMetadata().getName() + "." + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JVM has SHA-256
        }
    }
}
