package dev.bazaar.chassis.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bazaar.chassis.admin.ParkedMessages.Window;
import dev.bazaar.chassis.paging.PageRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where a page of parked messages lies across the parking queues, read one after another. */
class ParkedMessagesTest {

  @Test
  void theFirstPageStartsAtTheFirstQueueThatHasMessages() {
    assertThat(ParkedMessages.windows(new long[] {0, 3, 4}, new PageRequest(0, 2)))
        .containsExactly(new Window(1, 0, 2));
  }

  @Test
  void aPageSpanningTwoQueuesTakesTheRestOfOneAndTheStartOfTheNext() {
    assertThat(ParkedMessages.windows(new long[] {3, 0, 4}, new PageRequest(1, 2)))
        .containsExactly(new Window(0, 2, 1), new Window(2, 0, 1));
  }

  @Test
  void theLastPageIsPartialAndThePageAfterItEmpty() {
    long[] depths = {3, 4};
    assertThat(ParkedMessages.windows(depths, new PageRequest(2, 3)))
        .containsExactly(new Window(1, 3, 1));
    assertThat(ParkedMessages.windows(depths, new PageRequest(3, 3))).isEmpty();
    assertThat(ParkedMessages.windows(depths, new PageRequest(Integer.MAX_VALUE, 100))).isEmpty();
    assertThat(ParkedMessages.windows(new long[] {}, new PageRequest(0, 20))).isEmpty();
  }

  @Test
  void everyPageTogetherTakesEveryMessageOnce() {
    long[] depths = {5, 0, 1, 7, 2};
    int size = 4;
    long total = 15;
    List<String> taken = new ArrayList<>();
    for (int page = 0; page < (total + size - 1) / size; page++) {
      int onPage = 0;
      for (Window w : ParkedMessages.windows(depths, new PageRequest(page, size))) {
        for (long i = w.skip(); i < w.skip() + w.take(); i++) {
          taken.add(w.queue() + ":" + i);
          onPage++;
        }
      }
      assertThat(onPage).isEqualTo(page < 3 ? size : 3);
    }
    assertThat(taken).hasSize(15).doesNotHaveDuplicates();
  }
}
