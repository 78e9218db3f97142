package dev.chorus.node.scripting.lib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.jse.JseBaseLib;
import org.luaj.vm2.lib.jse.JseMathLib;

/**
 * Each snippet of src/test/resources/scripting/bundled-libs.cases runs in a fresh LuaJ interpreter with the bundled
 * libraries installed; its result, converted to RESP2 the way Redis converts a script's return value, must be the bytes
 * real Redis 7.0.15 replied to EVAL of the same snippet (bundled-libs.expected, written by generate.py).
 */
class BundledLibrariesTest {
    /** LuaJ writes a Lua caller's position as "@chunk:line msg", Lua 5.1 as "chunk:line: msg". */
    private static final Pattern LUAJ_POSITION = Pattern.compile("^@user_script:(\\d+) ");

    record Case(int line, String snippet, byte[] expected) {
    }

    @TestFactory
    Stream<DynamicTest> snippetsReplyLikeRedis() throws IOException {
        List<Case> cases = loadCases();
        assertThat(cases).hasSizeGreaterThan(400);
        return cases.stream().map(c -> DynamicTest.dynamicTest("line " + c.line() + ": " + c.snippet(), () -> {
            byte[] actual = run(c.snippet());
            if (!java.util.Arrays.equals(c.expected(), actual)) {
                fail("snippet: " + c.snippet() + "\n  redis:  " + escape(c.expected()) + "\n  luaj:   "
                        + escape(actual));
            }
        }));
    }

    @Test
    void installSetsGlobalsAndPackageLoaded() {
        Globals g = globals();
        for (String name : List.of("cjson", "cmsgpack", "bit", "struct")) {
            assertThat(g.get(name).istable()).as(name).isTrue();
            assertThat(g.get("package").get("loaded").get(name)).as(name).isSameAs(g.get(name));
        }
        Globals bare = new Globals();
        BundledLibraries.install(bare); // no package library: only the globals
        assertThat(bare.get("cjson").istable()).isTrue();
    }

    @Test
    void theComparisonCanFail() {
        assertThat(run("return cjson.encode({1})")).isNotEqualTo(run("return cjson.encode({2})"));
        assertThat(escape(run("return {1, 'a', false, nil, 2}"))).isEqualTo("*3\\x0d\\x0a:1\\x0d\\x0a$1\\x0d\\x0aa"
                + "\\x0d\\x0a$-1\\x0d\\x0a");
    }

    static Globals globals() {
        Globals g = new Globals();
        g.load(new JseBaseLib());
        g.load(new PackageLib());
        g.load(new TableLib());
        g.load(new StringLib());
        g.load(new JseMathLib());
        LoadState.install(g);
        LuaC.install(g);
        BundledLibraries.install(g);
        return g;
    }

    static byte[] run(String snippet) {
        Globals g = globals();
        LuaValue result;
        try {
            result = g.load(snippet, "@user_script").call();
        } catch (LuaError e) {
            throw new AssertionError("script failed: " + e.getMessage(), e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        toResp(result, out);
        return out.toByteArray();
    }

    /** script_lua.c luaReplyToRedisReply for the types these snippets return, RESP2. */
    private static void toResp(LuaValue v, ByteArrayOutputStream out) {
        switch (v.type()) {
            case LuaValue.TSTRING -> {
                LuaString s = v.checkstring();
                byte[] bytes = new byte[s.m_length];
                System.arraycopy(s.m_bytes, s.m_offset, bytes, 0, s.m_length);
                Matcher m = LUAJ_POSITION.matcher(new String(bytes, StandardCharsets.ISO_8859_1));
                if (m.find()) {
                    bytes = (m.replaceFirst("user_script:$1: ")).getBytes(StandardCharsets.ISO_8859_1);
                }
                write(out, "$" + bytes.length + "\r\n");
                out.writeBytes(bytes);
                write(out, "\r\n");
            }
            case LuaValue.TBOOLEAN -> write(out, v.toboolean() ? ":1\r\n" : "$-1\r\n");
            case LuaValue.TNUMBER -> write(out, ":" + CApi.toCLong(v.todouble()) + "\r\n");
            case LuaValue.TTABLE -> {
                LuaTable t = (LuaTable) v;
                List<LuaValue> items = new ArrayList<>();
                for (int j = 1; ; j++) {
                    LuaValue e = t.rawget(j);
                    if (e.isnil()) {
                        break;
                    }
                    items.add(e);
                }
                write(out, "*" + items.size() + "\r\n");
                for (LuaValue e : items) {
                    toResp(e, out);
                }
            }
            default -> write(out, "$-1\r\n");
        }
    }

    private static void write(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    static List<Case> loadCases() throws IOException {
        List<String> lines;
        try (InputStream in = BundledLibrariesTest.class.getResourceAsStream("/scripting/bundled-libs.expected")) {
            assertThat(in).as("bundled-libs.expected on the test classpath").isNotNull();
            lines = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).lines().toList();
        }
        List<Case> cases = new ArrayList<>();
        int i = 0;
        while (i < lines.size() && lines.get(i).startsWith("#")) {
            i++;
        }
        for (; i + 1 < lines.size(); i += 2) {
            cases.add(new Case(i + 1, lines.get(i), unescape(lines.get(i + 1))));
        }
        return cases;
    }

    static byte[] unescape(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && s.charAt(i + 1) == '\\') {
                out.write('\\');
                i++;
            } else if (c == '\\' && s.charAt(i + 1) == 'x') {
                out.write(Integer.parseInt(s.substring(i + 2, i + 4), 16));
                i += 3;
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }

    static String escape(byte[] data) {
        StringBuilder sb = new StringBuilder();
        for (byte b : data) {
            int c = b & 0xff;
            if (c == '\\') {
                sb.append("\\\\");
            } else if (c >= 0x20 && c < 0x7f) {
                sb.append((char) c);
            } else {
                sb.append(String.format("\\x%02x", c));
            }
        }
        return sb.toString();
    }
}
