package io.smack.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class WalkForwardTest {

  @Test
  void should_cut_the_newest_rows_into_consecutive_blocks_each_trained_on_what_precedes_it() {
    // when: 100 rows, the newest 20 % in 4 folds
    List<WalkForward.Fold> folds = new WalkForward(4, 0.2, 10).over(100);

    // then: blocks 81–85, 86–90, 91–95, 96–100, each trained on rows before it but the one just
    // before its block (whose label is the block's first return)
    assertThat(folds)
        .containsExactly(
            new WalkForward.Fold(1, 79, 81, 85),
            new WalkForward.Fold(2, 84, 86, 90),
            new WalkForward.Fold(3, 89, 91, 95),
            new WalkForward.Fold(4, 94, 96, 100));
  }

  @Test
  void should_never_train_a_fold_on_its_block_or_on_anything_after_it() {
    for (long rows = 1; rows <= 400; rows++) {
      for (int k = 1; k <= 6; k++) {
        List<WalkForward.Fold> folds = new WalkForward(k, 0.25, 5).over(rows);
        long previousEnd = 0;
        for (WalkForward.Fold fold : folds) {
          assertThat(fold.trainTo())
              .as("%d rows, fold %s", rows, fold)
              .isLessThan(fold.testFrom() - 1);
          assertThat(fold.testFrom()).as("blocks in time order").isGreaterThan(previousEnd);
          assertThat(fold.testTo()).isLessThanOrEqualTo(rows);
          assertThat(fold.trainRows()).isGreaterThanOrEqualTo(5);
          previousEnd = fold.testTo();
        }
        if (!folds.isEmpty()) {
          assertThat(previousEnd).as("the last block ends at the newest row").isEqualTo(rows);
        }
      }
    }
  }

  @Test
  void should_give_fewer_folds_when_the_oldest_would_train_on_too_few_rows() {
    // when: 30 rows, the newest half in 3 blocks of 5; the first would train on 14 rows
    List<WalkForward.Fold> folds = new WalkForward(3, 0.5, 15).over(30);

    // then
    assertThat(folds)
        .containsExactly(new WalkForward.Fold(1, 19, 21, 25), new WalkForward.Fold(2, 24, 26, 30));
  }

  @Test
  void should_give_no_fold_when_a_block_would_be_empty() {
    assertThat(new WalkForward(5, 0.2, 1).over(24)).isEmpty();
    assertThat(new WalkForward(5, 0.2, 1).over(25)).hasSize(5);
  }

  @Test
  void should_refuse_settings_that_make_no_folds() {
    assertThatThrownBy(() -> new WalkForward(0, 0.2, 1))
        .hasMessage("folds must be at least 1, was 0");
    assertThatThrownBy(() -> new WalkForward(3, 1.0, 1))
        .hasMessage("testShare must be in (0, 1), was 1.0");
  }
}
