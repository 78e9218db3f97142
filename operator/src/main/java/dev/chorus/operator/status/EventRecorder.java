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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/** Kubernetes Events on the ReplicaSet for every role change, so `kubectl describe` tells the story. */
public final class EventRecorder {
    private static final Logger LOG = Logger.getLogger(EventRecorder.class);
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");
    private static final DateTimeFormatter MICROSECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX");

    private EventRecorder() {
    }

    /** Events this operator recorded lately, by what they say: a repeat bumps the count instead of adding one. */
    private static final Map<String, Recorded> RECENT = Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Recorded> eldest) {
                    return size() > 512;
                }
            });

    private record Recorded(String name, int count) {
    }

    public static void record(KubernetesClient client, ReplicaSet rs, String type, String reason, String message) {
        LOG.infof("%s/%s %s: %s", rs.getMetadata().getNamespace(), rs.getMetadata().getName(), reason, message);
        ZonedDateTime t = ZonedDateTime.now(ZoneOffset.UTC);
        // The apiserver parses Time as RFC 3339 and MicroTime with exactly six fractional digits; ISO_INSTANT's
        // nanoseconds make it reject the whole Event (400).
        String now = t.format(SECONDS);
        String micro = t.format(MICROSECONDS);
        String ns = rs.getMetadata().getNamespace();
        String key = rs.getMetadata().getUid() + "\n" + type + "\n" + reason + "\n" + message;
        Recorded seen = RECENT.get(key);
        try {
            if (seen != null) {
                Event bump = new EventBuilder().withNewMetadata().withName(seen.name()).withNamespace(ns).endMetadata()
                        .withCount(seen.count() + 1).withLastTimestamp(now).build();
                client.v1().events().inNamespace(ns).withName(seen.name()).patch(PatchContext.of(
                        PatchType.JSON_MERGE), bump);
                RECENT.put(key, new Recorded(seen.name(), seen.count() + 1));
                return;
            }
            String name = rs.getMetadata().getName() + "." + UUID.randomUUID();
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
            RECENT.put(key, new Recorded(name, 1));
        } catch (KubernetesClientException e) {
            if (seen != null) {
                RECENT.remove(key); // the Event expired or was deleted: the next repeat creates a new one
            }
            LOG.warnf("Could not record event %s: %s", reason, e.getMessage());
        }
    }
}
