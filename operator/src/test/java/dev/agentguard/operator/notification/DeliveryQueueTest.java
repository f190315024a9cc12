package dev.agentguard.operator.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DeliveryQueueTest {

    @Test
    void firstInFirstOut() {
        DeliveryQueue<String> queue = new DeliveryQueue<>(3);
        queue.offer("a");
        queue.offer("b");
        assertThat(queue.size()).isEqualTo(2);
        assertThat(queue.poll()).isEqualTo("a");
        assertThat(queue.poll()).isEqualTo("b");
        assertThat(queue.poll()).isNull();
    }

    @Test
    void whenFullTheOldestIsDroppedAndReturned() {
        DeliveryQueue<String> queue = new DeliveryQueue<>(2);
        assertThat(queue.offer("a")).isEmpty();
        assertThat(queue.offer("b")).isEmpty();
        assertThat(queue.offer("c")).contains("a");
        assertThat(queue.size()).isEqualTo(2);
        assertThat(queue.poll()).isEqualTo("b");
        assertThat(queue.poll()).isEqualTo("c");
    }

    @Test
    void refusesANonPositiveCapacity() {
        assertThatThrownBy(() -> new DeliveryQueue<String>(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
