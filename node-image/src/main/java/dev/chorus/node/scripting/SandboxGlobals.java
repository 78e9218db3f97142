package dev.chorus.node.scripting;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaValue;

/** The scripts' global table: lockable like {@link ReadOnlyTable} (Globals is a LuaTable of its own class). */
final class SandboxGlobals extends Globals {
    private boolean readonly;
    LineTracker tracker;

    void setReadonly(boolean readonly) {
        this.readonly = readonly;
    }

    boolean readonly() {
        return readonly;
    }

    private void check() {
        if (readonly) {
            throw ReadOnlyTable.readonlyError(tracker);
        }
    }

    @Override
    public void rawset(int key, LuaValue value) {
        check();
        super.rawset(key, value);
    }

    @Override
    public void rawset(LuaValue key, LuaValue value) {
        check();
        super.rawset(key, value);
    }

    @Override
    public void hashset(LuaValue key, LuaValue value) {
        check();
        super.hashset(key, value);
    }

    @Override
    public void insert(int pos, LuaValue value) {
        check();
        super.insert(pos, value);
    }

    @Override
    public LuaValue remove(int pos) {
        check();
        return super.remove(pos);
    }

    @Override
    public void sort(LuaValue comparator) {
        check();
        super.sort(comparator);
    }

    @Override
    public LuaValue setmetatable(LuaValue metatable) {
        check();
        return super.setmetatable(metatable);
    }
}
