package dev.chorus.node.command.meta;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.node.command.CommandFamilies;
import dev.chorus.node.command.CommandSpec;
import dev.chorus.node.command.CommandTable;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Key extraction as COMMAND GETKEYSANDFLAGS shows it; every expectation was read from redis-server 7.0.15
 * (CommandMetadataIT also compares random command lines with it).
 */
class KeyExtractionTest {
    private final CommandTable table = new CommandTable(CommandFamilies.all());

    @Test
    void rangeSpecs() {
        assertThat(keys("del a b c")).containsExactly("a [RM, delete]", "b [RM, delete]", "c [RM, delete]");
        assertThat(keys("mset a 1 b")).containsExactly("a [OW, update]", "b [OW, update]");
        assertThat(keys("blpop a b c 0")).containsExactly("a [RW, access, delete]", "b [RW, access, delete]",
                "c [RW, access, delete]");
        assertThat(keys("memory usage k")).containsExactly("k [RO]");
        assertThat(keys("object encoding k")).containsExactly("k [RO]");
    }

    @Test
    void numkeysSpecs() {
        assertThat(keys("zunionstore d 2 a b")).containsExactly("d [OW, update]", "a [RO, access]", "b [RO, access]");
        assertThat(keys("zunionstore d 1 a weights 1")).containsExactly("d [OW, update]", "a [RO, access]");
        assertThat(keys("zunion 2 a b withscores")).containsExactly("a [RO, access]", "b [RO, access]");
        assertThat(keys("lmpop 2 a b left")).containsExactly("a [RW, access, delete]", "b [RW, access, delete]");
        assertThat(keys("blmpop 0 2 a b left")).containsExactly("a [RW, access, delete]", "b [RW, access, delete]");
        assertThat(keys("bzmpop 1 1 a min")).containsExactly("a [RW, access, delete]");
        assertThat(keys("zintercard 1 a limit 5")).containsExactly("a [RO, access]");
        assertThat(keys("sintercard 2 a b")).containsExactly("a [RO, access]", "b [RO, access]");
    }

    /** A numkeys string2ll rejects makes the spec invalid; Redis' getkeys proc then reads it with atoi. */
    @Test
    void invalidNumkeysFallsBackToTheGetKeysProc() {
        assertThat(keys("zunionstore d 2abc a b")).containsExactly("a []", "b []", "d []");
        assertThat(keys("sintercard ' 2' a b")).containsExactly("a []", "b []");
        assertThat(keys("zunionstore d 0 a")).isEmpty();
        assertThat(keys("zunionstore d 3 a b")).isEmpty();
        assertThat(keys("zunionstore d -1 a b")).isEmpty();
        assertThat(keys("lmpop 0 a left")).isEmpty();
        assertThat(keys("sintercard 3 a b")).isEmpty();
    }

    @Test
    void variableFlagsComeFromTheGetKeysProc() {
        assertThat(keys("set k v")).containsExactly("k [OW, update]");
        assertThat(keys("set k v GET")).containsExactly("k [RW, access, update]");
        assertThat(keys("bitfield k get u8 0")).containsExactly("k [RO, access]");
        assertThat(keys("bitfield k")).containsExactly("k [RO, access]");
        assertThat(keys("bitfield k get u8 0 incrby u8 0 1")).containsExactly("k [RW, access, update]");
    }

    @Test
    void atoiReadsANumberPrefixLikeGlibc() {
        assertThat(CStrings.atoi(b(" 2"))).isEqualTo(2);
        assertThat(CStrings.atoi(b("+7x"))).isEqualTo(7);
        assertThat(CStrings.atoi(b("-3"))).isEqualTo(-3);
        assertThat(CStrings.atoi(b("abc"))).isZero();
        assertThat(CStrings.atoi(b("4294967298"))).isEqualTo(2);
        assertThat(CStrings.atoi(b("99999999999999999999"))).isEqualTo(-1);
        assertThat(CStrings.atoi(new byte[] {'1', 0, '2'})).isEqualTo(1);
    }

    private List<String> keys(String line) {
        List<byte[]> args = dev.chorus.node.resp.RespRequestParser.splitArgs(line.getBytes(StandardCharsets.UTF_8));
        byte[][] argv = args.toArray(new byte[0][]);
        CommandSpec spec = table.lookupCommandLine(argv);
        return KeyExtraction.keys(spec.meta(), spec.keysProc(), argv).stream()
                .map(k -> new String(argv[k.pos()], StandardCharsets.UTF_8) + " " + k.flags()).toList();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
