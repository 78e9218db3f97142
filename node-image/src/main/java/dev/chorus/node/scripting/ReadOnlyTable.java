package dev.chorus.node.scripting;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * A Lua table that can be locked, as Redis' patched Lua 5.1 does with lua_enablereadonlytable: once locked, every
 * write raises "Attempt to modify a readonly table". The sandbox locks the globals and every table reachable from them.
 */
public class ReadOnlyTable extends LuaTable {
    static final String READONLY_ERROR = "Attempt to modify a readonly table";

    private boolean readonly;
    private final LineTracker tracker;

    ReadOnlyTable(LineTracker tracker) {
        this.tracker = tracker;
    }

    /**
     * Raised by the VM (a table store in Lua code) the message gets the code's position; raised inside a library
     * function (rawset, table.insert, setmetatable) it does not, as luaG_runerror only adds it for Lua functions.
     */
    static LuaError readonlyError(LineTracker tracker) {
        return tracker != null && tracker.inCall() ? new LuaError(LuaValue.valueOf(READONLY_ERROR))
                : new LuaError(READONLY_ERROR);
    }

    public void setReadonly(boolean readonly) {
        this.readonly = readonly;
    }

    public boolean readonly() {
        return readonly;
    }

    private void check() {
        if (readonly) {
            throw readonlyError(tracker);
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
