"""The Train page's parts (the page itself is ``ui/pages/train_page.py``).

* ``number_box``    – a spin box for numbers spanning orders of magnitude (learning rate, weights).
* ``settings_form`` – presets and every training knob, with tooltips in plain words.
* ``run_panel``     – live curves, progress row, save prompt and the summary card of a training run.
* ``summary_card``  – the validation metrics beside the popularity baseline.
* ``lr_panel``      – the learning-rate finder's plot and "Use suggestion".
* ``dim_panel``     – the embedding-size search chart.
* ``models_panel``  – the saved models: which one the other pages use, delete.
* ``empty_state``   – "Import listening data first".
"""
