"""The ML step: XGBoost and CatBoost point regressors on the contracted feature store.

`python -m ml {train,evaluate,score,report}`. The feature list is read from the dbt YAML at run
time (ml/contract.py), so training and scoring can never disagree with the store.
"""
