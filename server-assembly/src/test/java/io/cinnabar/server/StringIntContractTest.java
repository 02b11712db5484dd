package io.cinnabar.server;

/** {@link StringContract} on a string held as {@code int}. */
class StringIntContractTest extends StringContract {
    @Override
    String encoding() {
        return "int";
    }

    @Override
    String value() {
        return "12345";
    }
}
