"""The dbt project, in its own module so that `dagster-dbt project prepare-and-package --file` can build
the manifest (make and CI do) before the definitions load."""

from dagster_dbt import DbtProject

from orchestration.settings import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()
