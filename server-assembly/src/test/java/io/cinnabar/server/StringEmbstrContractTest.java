package io.cinnabar.server;

/** {@link StringContract} on a string held as {@code embstr}. */
class StringEmbstrContractTest extends StringContract {
    @Override
    String encoding() {
        return "embstr";
    }

    @Override
    String value() {
        return "hello world";
    }
}
