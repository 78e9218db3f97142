package dev.chorus.operator.status;

import dev.chorus.operator.api.ReplicaSet;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
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
        try {
            client.v1().events().inNamespace(rs.getMetadata().getNamespace()).resource(new EventBuilder()
                    .withNewMetadata().withName(rs.getMetadata().getName() + "." + UUID.randomUUID())
                    .withNamespace(rs.getMetadata().getNamespace()).endMetadata()
                    .withNewInvolvedObject().withApiVersion(rs.getApiVersion()).withKind(rs.getKind())
                    .withName(rs.getMetadata().getName()).withNamespace(rs.getMetadata().getNamespace())
                    .withUid(rs.getMetadata().getUid()).endInvolvedObject()
                    .withType(type).withReason(reason).withMessage(message)
                    .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                    .withEventTime(new MicroTime(micro))
                    .withReportingComponent("chorus-operator").withReportingInstance("chorus-operator")
                    .withAction(reason)
                    .withNewSource().withComponent("chorus-operator").endSource()
                    .build()).create();
        } catch (KubernetesClientException e) {
            LOG.warnf("Could not record event %s: %s", reason, e.getMessage());
        }
    }
}
