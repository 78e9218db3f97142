package dev.chorus.node.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * {@link StagedDatabase} and {@link Database#install}: an installed load must be indistinguishable from the same keys
 * stored one by one with {@link Database#set}, and must not disturb a snapshot that is running.
 */
class StagedDatabaseTest {
    private static final long FAR_FUTURE = 4_102_444_800_000L;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Property(tries = 100)
    void installEqualsSettingEveryKey(@ForAll @IntRange(min = 0, max = 300) int keys,
                                      @ForAll @IntRange(min = 0, max = 600) int announced,
                                      @ForAll boolean stamped) {
        Keyspace viaSet = new Keyspace(1);
        Keyspace viaInstall = new Keyspace(1);
        StagedDatabase staged = new StagedDatabase(stamped ? viaInstall.stamp() : StagedDatabase.Stamp.UNKNOWN);
        staged.expect(announced, announced / 2);
        for (int i = 0; i < keys; i++) {
            long expireAt = i % 3 == 0 ? FAR_FUTURE + i : 0;
            byte[] value = b("v" + i);
            viaSet.db(0).set(b("k" + i), value, expireAt);
            assertThat(staged.add(b("k" + i), value, expireAt)).isTrue();
            assertThat(staged.add(b("k" + i), b("other"), 0)).as("a duplicate is refused").isFalse();
        }
        assertThat(staged.size()).isEqualTo(keys);
        viaInstall.db(0).install(staged);

        Database expected = viaSet.db(0);
        Database actual = viaInstall.db(0);
        assertThat(actual.size()).isEqualTo(expected.size());
        assertThat(actual.expiresCount()).isEqualTo(expected.expiresCount());
        assertThat(actual.memoryEstimate()).isEqualTo(expected.memoryEstimate());
        for (int i = 0; i < keys; i++) {
            KeyEntry e = actual.lookup(b("k" + i));
            assertThat(e).isNotNull();
            assertThat(e.value()).isEqualTo(b("v" + i));
            assertThat(e.expireAt()).isEqualTo(expected.peek(b("k" + i)).expireAt());
        }
        assertThat(actual.lookup(b("missing"))).isNull();
        // The live table works as usual after the hand-over: deletes, new keys, expiries.
        if (keys > 0) {
            assertThat(actual.delete(b("k0"))).isTrue();
            assertThat(actual.expiresCount()).isEqualTo(expected.expiresCount() - 1);
        }
        actual.set(b("new"), b("x"), FAR_FUTURE);
        assertThat(actual.get(b("new"))).isEqualTo(b("x"));
    }

    @Test
    void installReplacesTheOldKeysAndSignalsThem() {
        Keyspace ks = new Keyspace(1);
        List<String> modified = new ArrayList<>();
        ks.setListener(new KeyspaceListener() {
            @Override
            public void keyModified(Database db, byte[] key) {
                modified.add(new String(key, StandardCharsets.UTF_8));
            }
        });
        ks.db(0).set(b("old"), b("1"), FAR_FUTURE);
        modified.clear();
        StagedDatabase staged = new StagedDatabase(ks.stamp());
        staged.add(b("new"), b("2"), 0);
        ks.db(0).install(staged);

        assertThat(ks.db(0).get(b("old"))).isNull();
        assertThat(ks.db(0).get(b("new"))).isEqualTo(b("2"));
        assertThat(ks.db(0).expiresCount()).isZero();
        // Like Redis' load into an emptied database: the flushed keys are touched, the loaded ones are not.
        assertThat(modified).containsExactly("old");
        assertThatThrownBy(() -> ks.db(0).install(staged)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> staged.add(b("late"), b("x"), 0)).isInstanceOf(IllegalStateException.class);
        assertThat(staged.size()).isEqualTo(1);
    }

    @Test
    void aRunningSnapshotKeepsTheOldKeysAndSkipsTheInstalledOnes() {
        Keyspace ks = new Keyspace(1);
        for (int i = 0; i < 50; i++) {
            ks.db(0).set(b("old" + i), b("o" + i), 0);
        }
        Map<String, String> captured = new HashMap<>();
        SnapshotCapture snap = ks.beginSnapshot(new SnapshotCapture.Sink() {
            @Override
            public void item(int db, byte[] key, Object value, long expireAt) {
                captured.put(new String(key, StandardCharsets.UTF_8), new String((byte[]) value, StandardCharsets.UTF_8));
            }

            @Override
            public void complete() {
            }
        });
        snap.step(5);
        for (boolean stamped : new boolean[] {true, false}) {
            StagedDatabase staged = new StagedDatabase(stamped ? ks.stamp() : StagedDatabase.Stamp.UNKNOWN);
            for (int i = 0; i < 80; i++) {
                staged.add(b("new" + stamped + i), b("n" + i), 0);
            }
            ks.db(0).install(staged);
        }
        while (!snap.step(100)) {
            // drain
        }
        Map<String, String> expected = new HashMap<>();
        for (int i = 0; i < 50; i++) {
            expected.put("old" + i, "o" + i);
        }
        assertThat(captured).isEqualTo(expected);
        assertThat(ks.db(0).size()).isEqualTo(80);
    }
}
