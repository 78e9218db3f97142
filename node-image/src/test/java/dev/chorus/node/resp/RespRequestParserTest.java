package dev.chorus.node.resp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chorus.node.testing.MalformedFrames;
import dev.chorus.node.testing.MalformedFrames.Frame;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The request parser against Redis' framing rules: any chunking of the input gives the same commands as one-shot
 * parsing, garbage only ever yields {@link RespProtocolException} with finite work, and the classic malformed frames
 * produce Redis' messages (the table in {@link MalformedFrames} is checked against a real redis-server by ProtocolIT).
 */
class RespRequestParserTest {

    /** What a parser made of an input: the commands, and the protocol error that stopped it, if any. */
    record Outcome(List<String> commands, String error) {
    }

    /** Feeds the input in chunks of the given sizes (cycled; one chunk = the whole input when empty). */
    static Outcome parse(byte[] input, List<Integer> chunkSizes) {
        return parse(new RespRequestParser(), input, chunkSizes);
    }

    static Outcome parse(RespRequestParser parser, byte[] input, List<Integer> chunkSizes) {
        List<String> commands = new ArrayList<>();
        int off = 0;
        int chunk = 0;
        // A command always consumes at least one byte: more results than bytes would mean a loop that never ends.
        int budget = input.length + 1;
        try {
            while (off < input.length) {
                int n = chunkSizes.isEmpty() ? input.length : chunkSizes.get(chunk++ % chunkSizes.size());
                n = Math.min(n, input.length - off);
                parser.feed(input, off, n);
                off += n;
                byte[][] argv;
                while ((argv = parser.next()) != null) {
                    commands.add(render(argv));
                    assertThat(--budget).as("commands returned for %d bytes", input.length).isPositive();
                }
            }
        } catch (RespProtocolException e) {
            return new Outcome(commands, e.getMessage());
        }
        return new Outcome(commands, null);
    }

    private static String render(byte[][] argv) {
        StringBuilder sb = new StringBuilder("[");
        for (byte[] a : argv) {
            sb.append(HexFormat.of().formatHex(a)).append(' ');
        }
        return sb.append(']').toString();
    }

    private static List<String> rendered(List<List<byte[]>> commands) {
        return commands.stream().map(c -> render(c.toArray(new byte[0][]))).toList();
    }

    // ---- properties ----

    @Property(tries = 300)
    void multibulkCommandsSplitAnywhereParseAsSent(@ForAll("commands") List<List<byte[]>> commands,
            @ForAll @Size(max = 8) List<@IntRange(min = 1, max = 40) Integer> chunkSizes) {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        commands.forEach(c -> wire.writeBytes(multibulk(c)));
        byte[] input = wire.toByteArray();

        Outcome chunked = parse(input, chunkSizes);

        assertThat(chunked).isEqualTo(parse(input, List.of()));
        assertThat(chunked.commands()).isEqualTo(rendered(commands));
        assertThat(chunked.error()).isNull();
    }

    @Property(tries = 300)
    void inlineCommandsSplitAnywhereParseAsSent(@ForAll("inlineCommands") List<InlineCommand> commands,
            @ForAll @Size(max = 8) List<@IntRange(min = 1, max = 40) Integer> chunkSizes) {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        commands.forEach(c -> wire.writeBytes(c.line()));
        byte[] input = wire.toByteArray();

        Outcome chunked = parse(input, chunkSizes);

        assertThat(chunked).isEqualTo(parse(input, List.of()));
        assertThat(chunked.commands()).isEqualTo(rendered(commands.stream().map(InlineCommand::args).toList()));
    }

    @Property(tries = 200)
    void mixedInlineAndMultibulkParseAsSent(@ForAll("commands") List<List<byte[]>> multibulk,
            @ForAll("inlineCommands") List<InlineCommand> inline,
            @ForAll @Size(max = 8) List<@IntRange(min = 1, max = 40) Integer> chunkSizes) {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        List<List<byte[]>> expected = new ArrayList<>();
        for (int i = 0; i < Math.max(multibulk.size(), inline.size()); i++) {
            if (i < multibulk.size()) {
                wire.writeBytes(multibulk(multibulk.get(i)));
                expected.add(multibulk.get(i));
            }
            if (i < inline.size()) {
                wire.writeBytes(inline.get(i).line());
                expected.add(inline.get(i).args());
            }
        }

        assertThat(parse(wire.toByteArray(), chunkSizes).commands()).isEqualTo(rendered(expected));
    }

    /**
     * Garbage never escapes as anything but RespProtocolException, always finishes (the budget in {@link #parse}),
     * and does not depend on how it was split: Redis' outcome does not either below the 64 KiB limits.
     */
    @Property(tries = 1000)
    void garbageOnlyFailsWithProtocolErrorsWhateverTheChunking(@ForAll("garbage") byte[] input,
            @ForAll @Size(max = 8) List<@IntRange(min = 1, max = 40) Integer> chunkSizes) {
        RespRequestParser oneShot = new RespRequestParser();
        oneShot.setMaxBulkLength(1 << 20);
        RespRequestParser split = new RespRequestParser();
        split.setMaxBulkLength(1 << 20);

        assertThat(parse(split, input, chunkSizes)).isEqualTo(parse(oneShot, input, List.of()));
    }

    @Property(tries = 300)
    void uniformRandomBytesOnlyFailWithProtocolErrors(@ForAll @Size(max = 2048) byte[] input,
            @ForAll @Size(max = 4) List<@IntRange(min = 1, max = 300) Integer> chunkSizes) {
        assertThat(parse(input, chunkSizes)).isEqualTo(parse(input, List.of()));
    }

    @Provide
    Arbitrary<List<List<byte[]>>> commands() {
        Arbitrary<byte[]> arg = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(30),
                Arbitraries.of("*", "$", "\r\n", "\r", "\n", "*1\r\n$4\r\nPING\r\n", "\0", "")
                        .map(s -> s.getBytes(StandardCharsets.ISO_8859_1)),
                Arbitraries.bytes().array(byte[].class).ofMinSize(200).ofMaxSize(3000));
        return arg.list().ofMinSize(1).ofMaxSize(6).list().ofMaxSize(8);
    }

    /** An inline line and the arguments Redis' sdssplitargs makes of it. */
    record InlineCommand(byte[] line, List<byte[]> args) {
        @Override
        public String toString() {
            return new String(line, StandardCharsets.ISO_8859_1);
        }
    }

    @Provide
    Arbitrary<List<InlineCommand>> inlineCommands() {
        Arbitrary<String> word = Arbitraries.strings().withCharRange('a', 'z').withChars("0123456789-_:{}$*")
                .ofMinLength(1).ofMaxLength(12)
                .filter(w -> w.charAt(0) != '*');
        // A quoted argument: every byte spelled \xHH in double quotes, or plain text in single quotes.
        Arbitrary<byte[][]> quoted = Arbitraries.bytes().array(byte[].class).ofMaxSize(12).map(b -> {
            StringBuilder sb = new StringBuilder("\"");
            for (byte x : b) {
                sb.append(String.format("\\x%02x", x & 0xff));
            }
            return new byte[][] {sb.append('"').toString().getBytes(StandardCharsets.ISO_8859_1), b};
        });
        Arbitrary<byte[][]> singleQuoted = Arbitraries.strings().withCharRange('a', 'z').withChars(" \"$*")
                .ofMaxLength(10).map(s -> new byte[][] {("'" + s + "'").getBytes(StandardCharsets.ISO_8859_1),
                        s.getBytes(StandardCharsets.ISO_8859_1)});
        Arbitrary<byte[][]> arg = Arbitraries.oneOf(
                word.map(w -> new byte[][] {w.getBytes(StandardCharsets.ISO_8859_1), w.getBytes(StandardCharsets.ISO_8859_1)}),
                quoted, singleQuoted);
        Arbitrary<String> space = Arbitraries.of(" ", "  ", "\t", " \t ");
        Arbitrary<String> eol = Arbitraries.of("\r\n", "\n");
        Arbitrary<InlineCommand> command = Combinators.combine(word, arg.list().ofMaxSize(5), space, eol)
                .as((first, rest, sp, nl) -> {
                    ByteArrayOutputStream line = new ByteArrayOutputStream();
                    List<byte[]> args = new ArrayList<>();
                    line.writeBytes(first.getBytes(StandardCharsets.ISO_8859_1));
                    args.add(first.getBytes(StandardCharsets.ISO_8859_1));
                    for (byte[][] a : rest) {
                        line.writeBytes(sp.getBytes(StandardCharsets.ISO_8859_1));
                        line.writeBytes(a[0]);
                        args.add(a[1]);
                    }
                    line.writeBytes(nl.getBytes(StandardCharsets.ISO_8859_1));
                    return new InlineCommand(line.toByteArray(), args);
                });
        return command.list().ofMaxSize(8);
    }

    /** RESP-flavoured garbage: protocol tokens, numbers and odd bytes in any order, so errors of every kind occur. */
    @Provide
    Arbitrary<byte[]> garbage() {
        Arbitrary<String> token = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, Arbitraries.of("*", "$", "\r\n", "\r", "\n", ":", "+", "-", "\"", "'", "\\",
                        " ", "\0", "\\x", "x", "PING", "ECHO")),
                net.jqwik.api.Tuple.of(3, Arbitraries.of("0", "1", "2", "3", "-1", "01", "+1", "-0", "10", "16385",
                        "2147483648", "99999999999999999999", "-9223372036854775808")),
                net.jqwik.api.Tuple.of(2, Arbitraries.of("*1\r\n$4\r\nPING\r\n", "*2\r\n$4\r\nECHO\r\n$3\r\nabc\r\n",
                        "PING\r\n", "ECHO \"a\\x41\" 'b'\r\n")),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(8)));
        return token.list().ofMaxSize(60).map(l -> String.join("", l).getBytes(StandardCharsets.ISO_8859_1));
    }

    static byte[] multibulk(List<byte[]> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("*" + args.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] a : args) {
            out.writeBytes(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(a);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    // ---- Redis' messages for malformed frames ----

    static Stream<Frame> malformed() {
        return MalformedFrames.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedFrameFailsWithRedisMessage(Frame frame) {
        assertThat(parse(frame.request(), List.of()).error()).isEqualTo(frame.parserMessage());
    }

    @ParameterizedTest(name = "{0}, byte by byte")
    @MethodSource("malformed")
    void malformedFrameFailsWithRedisMessageWhenFedByteByByte(Frame frame) {
        // Below 64 KiB the chunking cannot matter; the "too big" frames have no terminator at all, so neither.
        assertThat(parse(frame.request(), List.of(1)).error()).isEqualTo(frame.parserMessage());
    }

    @Test
    void unauthenticatedLimitsApplyOnlyBeforeAuth() {
        for (Frame frame : MalformedFrames.unauthenticated()) {
            RespRequestParser parser = new RespRequestParser();
            parser.setAuthRequired(true);
            assertThat(parse(parser, frame.request(), List.of()).error()).as(frame.name())
                    .isEqualTo(frame.parserMessage());

            RespRequestParser authenticated = new RespRequestParser();
            assertThat(parse(authenticated, frame.request(), List.of())).as(frame.name())
                    .isEqualTo(new Outcome(List.of(), null));
        }
    }

    @Test
    void unauthenticatedLimitsAreInclusive() throws RespProtocolException {
        RespRequestParser parser = new RespRequestParser();
        parser.setAuthRequired(true);
        byte[] ten = multibulk(java.util.Collections.nCopies(10, new byte[16384]));
        parser.feed(ten, 0, ten.length);
        assertThat(parser.next()).hasNumberOfRows(10);
    }

    @Test
    void waitingFramesNeedMoreBytes() {
        for (Frame frame : MalformedFrames.waiting()) {
            RespRequestParser parser = new RespRequestParser();
            assertThat(parse(parser, frame.request(), List.of())).as(frame.name())
                    .isEqualTo(new Outcome(List.of(), null));
        }
    }

    @Test
    void oddFramesRedisAcceptsParseLikeRedis() throws RespProtocolException {
        assertThat(parse("*1\rX$4\r\nPING\r\n".getBytes(StandardCharsets.ISO_8859_1), List.of(1)).commands())
                .containsExactly(render(new byte[][] {bytes("PING")}));
        // The two bytes after a bulk are skipped unchecked: "xx" goes, and the CRLF left over is an empty inline line.
        assertThat(parse("*1\r\n$4\r\nPINGxx\r\n".getBytes(StandardCharsets.ISO_8859_1), List.of()).commands())
                .containsExactly(render(new byte[][] {bytes("PING")}), render(new byte[0][]));
        for (String empty : List.of("*0\r\n", "*-1\r\n", "*-9223372036854775808\r\n", "\r\n", "   \n")) {
            RespRequestParser parser = new RespRequestParser();
            byte[] b = bytes(empty);
            parser.feed(b, 0, b.length);
            assertThat(parser.next()).as(empty).isEmpty();
            assertThat(parser.buffered()).isZero();
        }
    }

    @Test
    void bigBulkArrivingInSmallPiecesIsOneArgument() throws RespProtocolException {
        byte[] value = new byte[3 * 1024 * 1024];
        new java.util.Random(7).nextBytes(value);
        byte[] wire = multibulk(List.of(bytes("SET"), bytes("k"), value));
        RespRequestParser parser = new RespRequestParser();
        byte[][] argv = null;
        for (int off = 0; off < wire.length; off += 8192) {
            assertThat(argv).isNull();
            parser.feed(wire, off, Math.min(8192, wire.length - off));
            argv = parser.next();
        }
        assertThat(argv).hasNumberOfRows(3);
        assertThat(argv[2]).isEqualTo(value);
        assertThat(parser.lastCommandBytes()).isEqualTo(wire.length);
    }

    @Test
    void lastCommandBytesCountsTheWholeFrame() throws RespProtocolException {
        byte[] wire = bytes("*1\r\n$4\r\nPING\r\nECHO x\r\n");
        RespRequestParser parser = new RespRequestParser();
        parser.feed(wire, 0, wire.length);
        parser.next();
        assertThat(parser.lastCommandBytes()).isEqualTo(14);
        parser.next();
        assertThat(parser.lastCommandBytes()).isEqualTo(8);
    }

    @Test
    void bulkLongerThanConfiguredMaximumIsInvalid() {
        RespRequestParser parser = new RespRequestParser();
        parser.setMaxBulkLength(100);
        byte[] wire = bytes("*1\r\n$101\r\n");
        parser.feed(wire, 0, wire.length);
        assertThatThrownBy(parser::next).isInstanceOf(RespProtocolException.class)
                .hasMessage("Protocol error: invalid bulk length");
    }

    @Test
    void splitArgsFollowsSdssplitargs() {
        assertThat(RespRequestParser.splitArgs(bytes("set \"a\\x41\\n\" 'it\\'s'  x")))
                .containsExactly(bytes("set"), bytes("aA\n"), bytes("it's"), bytes("x"));
        assertThat(RespRequestParser.splitArgs(bytes("\"\\q\\t\""))).containsExactly(bytes("q\t"));
        assertThat(RespRequestParser.splitArgs(bytes("a \"b\"c"))).isNull();
        assertThat(RespRequestParser.splitArgs(bytes("'abc"))).isNull();
        assertThat(RespRequestParser.splitArgs(bytes("   "))).isEmpty();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * A replica keeps each command's exact bytes to pass them on. A command split across reads must keep its first
     * bytes when the buffer shifts or grows for the rest (found under write load: the master link failed with
     * "arraycopy: source index -36 out of bounds").
     */
    @net.jqwik.api.Property(tries = 200)
    void rawBytesOfCommandsSplitAcrossReadsAreExact(@net.jqwik.api.ForAll @net.jqwik.api.constraints.IntRange(min = 1,
            max = 40_000) int bigSize, @net.jqwik.api.ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 5000)
            int chunk) throws RespProtocolException {
        java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
        java.util.List<byte[]> commands = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String value = "v".repeat(i == 2 ? bigSize : 10 + i);
            byte[] cmd = ("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + value.length() + "\r\n" + value + "\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            commands.add(cmd);
            stream.writeBytes(cmd);
        }
        byte[] all = stream.toByteArray();
        RespRequestParser parser = new RespRequestParser();
        parser.setRetainRaw(true);
        java.util.List<byte[]> raws = new java.util.ArrayList<>();
        for (int off = 0; off < all.length; off += chunk) {
            parser.feed(all, off, Math.min(chunk, all.length - off));
            while (parser.next() != null) {
                raws.add(parser.lastCommandRaw());
            }
        }
        assertThat(raws).hasSize(commands.size());
        for (int i = 0; i < commands.size(); i++) {
            assertThat(raws.get(i)).isEqualTo(commands.get(i));
        }
    }
}
