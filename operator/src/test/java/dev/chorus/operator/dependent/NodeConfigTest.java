package dev.chorus.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.operator.api.AuthSpec;
import dev.chorus.operator.api.ReplicaSet;
import dev.chorus.operator.api.ReplicaSetSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeConfigTest {
    private static ReplicaSet replicaSet() {
        ReplicaSet rs = new ReplicaSet();
        rs.setMetadata(new ObjectMetaBuilder().withName("cache").withNamespace("apps").build());
        ReplicaSetSpec spec = new ReplicaSetSpec();
        spec.setPort(7000);
        spec.setConfig(new java.util.LinkedHashMap<>(Map.of("maxmemory", "100mb")));
        rs.setSpec(spec);
        return rs;
    }

    @Test
    void theMasterStartsInTheHoldAndEachReplicaFollowsTheMaster() {
        ReplicaSet rs = replicaSet();
        String master = NodeConfig.render(rs, "cache-0", true, null);
        String replica = NodeConfig.render(rs, "cache-1", false, "10.1.2.3");
        assertThat(master).contains("port 7000\n", "maxmemory 100mb\n", "save \"\"\n")
                .endsWith("replicaof 127.0.0.1 1\n");
        assertThat(replica).endsWith("replicaof 10.1.2.3 7000\n");
    }

    @Test
    void threeNodesWithFailoverFenceAnIsolatedMasterUnlessSpecConfigTakesOver() {
        ReplicaSet rs = replicaSet();
        rs.getSpec().setReplicas(3);
        assertThat(NodeConfig.render(rs, "cache-1", false, "10.1.2.3"))
                .contains("min-replicas-to-write 1\n", "min-replicas-max-lag 3\n");
        rs.getSpec().setReplicas(2);
        assertThat(NodeConfig.render(rs, "cache-1", false, "10.1.2.3")).contains("min-replicas-to-write 0\n");
        rs.getSpec().setReplicas(3);
        rs.getSpec().getConfig().put("min-replicas-to-write", "2");
        assertThat(NodeConfig.runtimeDirectives(rs)).containsEntry("min-replicas-to-write", "2")
                .doesNotContainKey("min-replicas-max-lag");
    }

    @Test
    void persistenceTurnsOnSavePointsAndAuthIsIncludedFromTheSecretNeverInline() {
        ReplicaSet rs = replicaSet();
        rs.getSpec().getPersistence().setEnabled(true);
        AuthSpec auth = new AuthSpec();
        auth.setSecretName("pw");
        rs.getSpec().setAuth(auth);
        String conf = NodeConfig.render(rs, "cache-0", true, null);
        assertThat(conf).contains("save 3600 1 300 100 60 10000\n", "include /etc/chorus/auth/auth.conf\n")
                .doesNotContain("requirepass");
        assertThat(NodeConfig.renderAuth("s3cr\"et")).isEqualTo("requirepass \"s3cr\\\"et\"\nmasterauth \"s3cr\\\"et\"\n");
    }

    @Test
    void valuesThatNeedQuotingAreQuotedLikeRedisConf() {
        assertThat(NodeConfig.quote("plain")).isEqualTo("plain");
        assertThat(NodeConfig.quote("")).isEqualTo("\"\"");
        assertThat(NodeConfig.quote("a b")).isEqualTo("\"a b\"");
    }

    @Test
    void theAppliedPasswordIsReadBackFromTheRenderedAuthFile() {
        for (String pw : new String[] {"plain", "a b", "q\"uo\\te", "tab\there", "new\nline", "'single'"}) {
            assertThat(NodeConfig.parseAuth(NodeConfig.renderAuth(pw))).isEqualTo(pw);
        }
        assertThat(NodeConfig.parseAuth("masterauth x\n")).isNull();
    }

    @Test
    void aValueANodeRefusedIsInNoFileWhileSpecAsksForItAndTheKeptValueIs() {
        ReplicaSet rs = replicaSet();
        rs.getSpec().getConfig().put("tracking-table-max-keys", "-5");
        var refused = java.util.List.of(new dev.chorus.operator.api.ConfigRefusal("tracking-table-max-keys", "-5",
                "1000000", "cache-1", "ERR CONFIG SET failed"));
        assertThat(NodeConfig.render(rs, "cache-1", false, "10.1.2.3", refused))
                .contains("tracking-table-max-keys 1000000\n").doesNotContain("-5");
        assertThat(NodeConfig.runtimeDirectives(rs, refused)).containsEntry("tracking-table-max-keys", "1000000")
                .containsEntry("maxmemory", "100mb");
        // another value is tried afresh: the refusal no longer applies
        rs.getSpec().getConfig().put("tracking-table-max-keys", "10");
        assertThat(NodeConfig.stillAsked(rs, refused)).isEmpty();
        assertThat(NodeConfig.render(rs, "cache-1", false, "10.1.2.3", refused))
                .contains("tracking-table-max-keys 10\n");
        // a directive the node did not report keeps no value of ours
        rs.getSpec().getConfig().put("tracking-table-max-keys", "-5");
        var unknown = java.util.List.of(new dev.chorus.operator.api.ConfigRefusal("tracking-table-max-keys", "-5",
                null, "cache-1", "ERR Unknown option"));
        assertThat(NodeConfig.runtimeDirectives(rs, unknown)).doesNotContainKey("tracking-table-max-keys");
    }
}
