package dev.chorus.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.operator.api.ReplicaSet;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.junit.jupiter.api.Test;

class EventRecorderTest {
    private static ReplicaSet rs(String name, String uid) {
        ReplicaSet rs = new ReplicaSet();
        rs.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("ns").withUid(uid).build());
        return rs;
    }

    @Test
    void sameStoryGivesTheSameNameInAnyProcess() {
        String a = EventRecorder.name(rs("cache", "u1"), "Normal", "Promoted", "cache-1 is master");
        String b = EventRecorder.name(rs("cache", "u1"), "Normal", "Promoted", "cache-1 is master");
        assertThat(a).isEqualTo(b).startsWith("cache.").hasSize("cache.".length() + 16);
    }

    @Test
    void anotherMessageReasonOrResourceGivesAnotherName() {
        String base = EventRecorder.name(rs("cache", "u1"), "Normal", "Promoted", "cache-1 is master");
        assertThat(EventRecorder.name(rs("cache", "u1"), "Normal", "Promoted", "cache-2 is master")).isNotEqualTo(base);
        assertThat(EventRecorder.name(rs("cache", "u1"), "Normal", "Demoted", "cache-1 is master")).isNotEqualTo(base);
        assertThat(EventRecorder.name(rs("cache", "u2"), "Normal", "Promoted", "cache-1 is master")).isNotEqualTo(base);
    }
}
