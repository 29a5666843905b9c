package dev.agentrt.tools.service;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * An HTTP response body read up to a cap: at the first byte past it the stream is cancelled, so a
 * huge or endless response costs at most {@code cap} bytes of memory.
 *
 * @param bytes      at most the cap
 * @param truncated  the server sent more than the cap
 */
record CappedBody(byte[] bytes, boolean truncated) {

    static HttpResponse.BodyHandler<CappedBody> handler(int cap) {
        return info -> new Subscriber(cap);
    }

    private static final class Subscriber implements HttpResponse.BodySubscriber<CappedBody> {
        private final int cap;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final CompletableFuture<CappedBody> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        Subscriber(int cap) {
            this.cap = cap;
        }

        @Override
        public CompletionStage<CappedBody> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer item : items) {
                int room = cap - buffer.size();
                int take = Math.min(room, item.remaining());
                byte[] chunk = new byte[take];
                item.get(chunk);
                buffer.write(chunk, 0, take);
                if (item.hasRemaining()) {
                    subscription.cancel();
                    result.complete(new CappedBody(buffer.toByteArray(), true));
                    return;
                }
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable error) {
            result.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            result.complete(new CappedBody(buffer.toByteArray(), false));
        }
    }
}
