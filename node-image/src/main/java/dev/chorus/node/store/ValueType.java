package dev.chorus.node.store;

/** The five Redis data types, with the names TYPE and SCAN ... TYPE use. */
public enum ValueType {
    STRING("string"), LIST("list"), SET("set"), ZSET("zset"), HASH("hash"), STREAM("stream");

    private final String typeName;

    ValueType(String typeName) {
        this.typeName = typeName;
    }

    public String typeName() {
        return typeName;
    }

    public static ValueType of(Object value) {
        if (value instanceof byte[]) {
            return STRING;
        }
        return ((RedisValue) value).type();
    }

    public static ValueType byName(String name) {
        for (ValueType t : values()) {
            if (t.typeName.equalsIgnoreCase(name)) {
                return t;
            }
        }
        return null;
    }
}
