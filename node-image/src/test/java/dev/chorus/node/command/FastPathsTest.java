package dev.chorus.node.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** The allocation-free paths on every command must agree with the obvious slow ones. */
class FastPathsTest {
    @Property
    void longToAsciiMatchesLongToString(@ForAll long v) {
        assertThat(new String(CommandContext.bytes(v), StandardCharsets.US_ASCII)).isEqualTo(Long.toString(v));
    }

    @Test
    void longToAsciiEdges() {
        for (long v : new long[] {0, 9, 10, -1, -10, Long.MAX_VALUE, Long.MIN_VALUE}) {
            assertThat(new String(CommandContext.bytes(v), StandardCharsets.US_ASCII)).isEqualTo(Long.toString(v));
        }
    }

    @Test
    void commandLookupIgnoresCaseAndFindsEveryCommandAndNothingElse() {
        CommandTable table = new CommandTable(CommandFamilies.all());
        for (CommandSpec spec : table.all()) {
            assertThat(table.lookup(spec.name().getBytes(StandardCharsets.US_ASCII))).isSameAs(spec);
            assertThat(table.lookup(spec.name().toUpperCase().getBytes(StandardCharsets.US_ASCII))).isSameAs(spec);
        }
        assertThat(table.lookup("GeT".getBytes(StandardCharsets.US_ASCII))).isSameAs(table.lookup("get"));
        assertThat(table.lookup("gett".getBytes(StandardCharsets.US_ASCII))).isNull();
        assertThat(table.lookup("".getBytes(StandardCharsets.US_ASCII))).isNull();
        assertThat(table.lookup(new byte[] {(byte) 0xC7, 'E', 'T'})).isNull();
    }
}
