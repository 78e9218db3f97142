package dev.chorus.node.scripting;

import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.DebugLib;

/**
 * LuaJ's per-instruction hook, used as Lua 5.1's debug information and count hook are in Redis: it knows the line
 * the script is executing (for error positions LuaJ cannot give, such as in a tail call) and whether the current
 * instruction is a call (an error raised by a library function then carries no position), and every
 * {@link #HOOK_INTERVAL} instructions it lets the engine check for a busy or killed script (luaMaskCountHook).
 */
final class LineTracker extends DebugLib {
    static final int HOOK_INTERVAL = 100_000;
    private static final int OP_CALL = 29;
    private static final int OP_TAILCALL = 30;

    private Prototype[] protos = new Prototype[16];
    private int[] pcs = new int[16];
    private int depth;
    private Prototype lastProto;
    private int lastPc;
    private int countdown = HOOK_INTERVAL;
    private Runnable hook = () -> { };

    void setHook(Runnable hook) {
        this.hook = hook;
    }

    void reset() {
        depth = 0;
        lastProto = null;
        countdown = HOOK_INTERVAL;
    }

    @Override
    public void onCall(LuaClosure c, Varargs varargs, LuaValue[] stack) {
        if (depth == protos.length) {
            protos = java.util.Arrays.copyOf(protos, depth * 2);
            pcs = java.util.Arrays.copyOf(pcs, depth * 2);
        }
        protos[depth] = c.p;
        pcs[depth] = 0;
        depth++;
    }

    @Override
    public void onInstruction(int pc, Varargs v, int top) {
        int d = depth - 1;
        if (d >= 0) {
            pcs[d] = pc;
            lastProto = protos[d];
            lastPc = pc;
        }
        if (--countdown == 0) {
            countdown = HOOK_INTERVAL;
            hook.run();
        }
    }

    @Override
    public void onReturn() {
        if (depth > 0) {
            depth--;
            protos[depth] = null;
        }
    }

    @Override
    public String traceback(int level) {
        return "";
    }

    /** The line last executed, or -1. */
    int currentLine() {
        Prototype p = lastProto;
        if (p == null || p.lineinfo == null || lastPc < 0 || lastPc >= p.lineinfo.length) {
            return -1;
        }
        return p.lineinfo[lastPc];
    }

    /** luaO_chunkid of the running chunk's source: "@user_script" is shown as "user_script". */
    String currentSource() {
        String s = currentRawSource();
        return s.startsWith("@") || s.startsWith("=") ? s.substring(1) : "[string \"" + s + "\"]";
    }

    String currentRawSource() {
        Prototype p = lastProto;
        return p == null || p.source == null ? "?" : p.source.tojstring();
    }

    /** The current instruction calls a function: what fails now fails inside that function. */
    boolean inCall() {
        Prototype p = lastProto;
        if (p == null || lastPc < 0 || lastPc >= p.code.length) {
            return false;
        }
        int op = p.code[lastPc] & 0x3F;
        return op == OP_CALL || op == OP_TAILCALL;
    }
}
