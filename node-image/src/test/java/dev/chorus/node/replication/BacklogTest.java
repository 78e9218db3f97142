package dev.chorus.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class BacklogTest {
    private static final int SIZE = 16 * 1024; // the smallest backlog: wrap-around happens quickly

    @Property(tries = 200)
    void holdsExactlyTheMostRecentBytesOfTheStream(@ForAll @Size(max = 40) List<@IntRange(min = 0, max = 40_000) Integer> writes,
                                                   @ForAll @IntRange(min = 0, max = 1_000_000) int startOffset) {
        Backlog backlog = new Backlog(SIZE, startOffset);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        byte next = 0;
        for (int n : writes) {
            byte[] chunk = new byte[n];
            for (int i = 0; i < n; i++) {
                chunk[i] = next++;
            }
            backlog.append(chunk);
            stream.writeBytes(chunk);
        }
        byte[] all = stream.toByteArray();
        long end = startOffset + all.length;
        assertThat(backlog.endOffset()).isEqualTo(end);
        assertThat(backlog.histlen()).isEqualTo(Math.min(all.length, SIZE));
        long first = backlog.firstByteOffset();
        assertThat(first).isEqualTo(end - backlog.histlen() + 1);
        for (long from = first; from <= end + 1; from += 997) {
            int idx = (int) (from - startOffset - 1);
            assertThat(backlog.copyFrom(from)).isEqualTo(Arrays.copyOfRange(all, idx, all.length));
        }
        assertThat(backlog.covers(first - 1)).isFalse();
        assertThat(backlog.covers(end + 2)).isFalse();
        assertThat(backlog.copyFrom(end + 1)).isEmpty();
    }

    @Test
    void refusesOffsetsItNoLongerHolds() {
        Backlog backlog = new Backlog(SIZE, 0);
        backlog.append(new byte[SIZE + 100]);
        assertThat(backlog.firstByteOffset()).isEqualTo(101);
        assertThatThrownBy(() -> backlog.copyFrom(100)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void resizeKeepsTheMostRecentHistory() {
        Backlog backlog = new Backlog(64 * 1024, 0);
        byte[] data = new byte[50_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31);
        }
        backlog.append(data);
        backlog.resize(SIZE);
        assertThat(backlog.endOffset()).isEqualTo(50_000);
        assertThat(backlog.histlen()).isEqualTo(SIZE);
        assertThat(backlog.copyFrom(50_000 - SIZE + 1)).isEqualTo(Arrays.copyOfRange(data, 50_000 - SIZE, 50_000));
    }
}
