package io.cinnabar.rax;

/**
 * Where {@link RaxIterator#seek(RaxSeek, byte[])} positions an iterator, with Redis's operator strings.
 */
public enum RaxSeek {
    /** {@code ^}: the smallest key (the key argument is ignored). */
    FIRST("^"),
    /** {@code $}: the greatest key (the key argument is ignored). */
    LAST("$"),
    /** {@code =}: exactly the key. */
    EQ("="),
    /** {@code >}: the smallest key greater than the key. */
    GT(">"),
    /** {@code >=}: the smallest key greater than or equal to the key. */
    GE(">="),
    /** {@code <}: the greatest key less than the key. */
    LT("<"),
    /** {@code <=}: the greatest key less than or equal to the key. */
    LE("<=");

    private final String op;

    RaxSeek(String op) {
        this.op = op;
    }

    /** The operator as Redis spells it. */
    public String op() {
        return op;
    }

    /**
     * The seek for one of Redis's operator strings: {@code ^ $ = > >= < <=}.
     *
     * @throws IllegalArgumentException for any other string
     */
    public static RaxSeek of(String op) {
        for (RaxSeek s : values()) {
            if (s.op.equals(op)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown seek operator: " + op);
    }
}
