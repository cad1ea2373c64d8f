package io.smack.training;

import java.util.ArrayList;
import java.util.List;

/**
 * Rolling-origin evaluation folds over one symbol's labelled rows, numbered 1 to n in time order:
 * the newest {@code testShare} of the rows is cut into {@code folds} consecutive blocks, and each
 * fold trains on everything before its block and is scored on the block. The row just before a
 * block is left out of its training: its label is the next row's return, the block's first.
 *
 * <p>The project's own, and kept small: MLlib's {@code CrossValidator} and {@code
 * TrainValidationSplit} draw their folds at random, which on a time series trains on the future.
 *
 * @param folds how many blocks the held-out tail is cut into
 * @param testShare the share of the rows all the blocks together hold
 * @param minTrainRows a fold with fewer training rows is dropped: the symbol gets fewer folds
 */
record WalkForward(int folds, double testShare, long minTrainRows) {

  /**
   * One fold: trains on rows 1 to {@code trainTo}, is scored on rows {@code testFrom} to {@code
   * testTo}.
   */
  record Fold(int index, long trainTo, long testFrom, long testTo) {

    long trainRows() {
      return trainTo;
    }

    long testRows() {
      return testTo - testFrom + 1;
    }
  }

  WalkForward {
    if (folds < 1) {
      throw new IllegalArgumentException("folds must be at least 1, was " + folds);
    }
    if (!(testShare > 0 && testShare < 1)) {
      throw new IllegalArgumentException("testShare must be in (0, 1), was " + testShare);
    }
  }

  /** The folds of {@code rows} labelled rows, oldest first; empty when there are too few. */
  List<Fold> over(long rows) {
    long block = (long) Math.floor(rows * testShare / folds);
    List<Fold> out = new ArrayList<>();
    if (block < 1) {
      return out;
    }
    // the blocks end at the newest row; the oldest block absorbs nothing: a remainder of the
    // division stays in training, where it does no harm
    for (int f = 0; f < folds; f++) {
      long testFrom = rows - (long) (folds - f) * block + 1;
      long trainTo = testFrom - 2;
      if (trainTo >= minTrainRows) {
        out.add(new Fold(out.size() + 1, trainTo, testFrom, testFrom + block - 1));
      }
    }
    return out;
  }
}
