package io.cinnabar.server;

/** {@link StringContract} on a string held as {@code raw}. */
class StringRawContractTest extends StringContract {
    @Override
    String encoding() {
        return "raw";
    }

    @Override
    String value() {
        return "ABCDEFGHIJ-this value is longer than forty-four bytes, so raw";
    }
}
