"""coder.train: the choices the training makes (the training itself runs in make train)."""

def test_near_equal_settings_are_told_apart_by_precision():
    from dyadscope.coder.train import F1_TOLERANCE, _most_precise_of_the_best

    opts = [("a", 0.60, 0.450), ("b", 0.70, 0.450 - F1_TOLERANCE / 2), ("c", 0.90, 0.400)]
    assert _most_precise_of_the_best(opts, key_p=1, key_f1=2)[0] == "b"  # c's F1 is too far below
    assert _most_precise_of_the_best([], key_p=1, key_f1=2) is None
