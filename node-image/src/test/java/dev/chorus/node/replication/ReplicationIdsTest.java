package dev.chorus.node.replication;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReplicationIdsTest {
    @Test
    void aPromotedReplicaContinuesItsOldMastersHistoryUpToTheSwitchPoint() {
        ReplicationIds ids = new ReplicationIds();
        ids.adopt("a".repeat(40), 1000);
        ids.advance(500);
        String newId = "b".repeat(40);

        ids.shift(newId);

        assertThat(ids.replid()).isEqualTo(newId);
        assertThat(ids.replid2()).isEqualTo("a".repeat(40));
        assertThat(ids.secondReplOffset()).isEqualTo(1501);
        // A sibling replica that saw the old master up to any offset before the switch continues.
        assertThat(ids.continuable("a".repeat(40), 1501)).isTrue();
        assertThat(ids.continuable("a".repeat(40), 1200)).isTrue();
        // ... but not past the switch point: the old master may have written more that we never saw.
        assertThat(ids.continuable("a".repeat(40), 1502)).isFalse();
        assertThat(ids.continuable(newId, 99_999)).isTrue();
        assertThat(ids.continuable("c".repeat(40), 1)).isFalse();
    }

    @Test
    void aFullSyncForgetsThePreviousHistory() {
        ReplicationIds ids = new ReplicationIds();
        ids.shift("b".repeat(40));
        ids.adopt("c".repeat(40), 77);
        assertThat(ids.replid2()).isEqualTo(ReplicationIds.NO_ID);
        assertThat(ids.secondReplOffset()).isEqualTo(-1);
        assertThat(ids.offset()).isEqualTo(77);
    }

    @Test
    void randomIdsAreFortyHexCharacters() {
        assertThat(ReplicationIds.random()).matches("[0-9a-f]{40}").isNotEqualTo(ReplicationIds.random());
    }
}
