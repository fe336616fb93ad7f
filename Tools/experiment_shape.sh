# Sourced by the experiment's scripts (sweep, training, ideas): the synthetic-task encoder of research_idea.md
# §4.1, one definition so every cell and model has the same shape.
experiment_shape=(--hidden 128 --intermediate 256 --heads 4 --layers 4)
